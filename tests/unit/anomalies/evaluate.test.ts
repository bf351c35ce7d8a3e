import { describe, expect, it } from 'vitest';
import { createTally, summariseTally, tallyEvents } from '@/lib/anomalies/evaluate';

describe('event-wise benchmark scoring', () => {
  it('counts detections within tolerance, false alert clusters once, and forgives the grace period', () => {
    const alerts = Array.from({ length: 40 }, () => false);
    for (const i of [3, 4, 5, 12, 20, 21, 30]) alerts[i] = true;
    const tally = createTally();
    tallyEvents(
      alerts,
      [
        { start: 10, end: 10, tolerance: 2, grace: 0 }, // alert at 12: detected after 2 buckets
        { start: 18, end: 18, tolerance: 1, grace: 3 }, // 20 and 21 are late: missed, but within grace
        { start: 33, end: 33, tolerance: 2, grace: 0 }, // nothing: missed
      ],
      tally,
    );
    expect(tally).toMatchObject({ events: 3, detected: 1, falseEvents: 2, alertBuckets: 7, delays: [2] });
    const m = summariseTally(tally);
    expect(m.precision).toBeCloseTo(1 / 3);
    expect(m.recall).toBeCloseTo(1 / 3);
  });
});
