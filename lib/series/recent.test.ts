import { describe, expect, it } from 'vitest';
import { summarizeRecent } from './recent';

const D = 86_400_000;
const day = (i: number) => Date.UTC(2025, 0, 1) + i * D;

describe('summarizeRecent', () => {
  it('ends at the watermark and compares the latest bucket with the one before', () => {
    const recent = summarizeRecent({
      stored: [
        { t: day(7), value: 100 },
        { t: day(8), value: 110 },
      ],
      watermark: new Date(day(9)),
      interval: 'day',
      valueKind: 'count',
      timeZone: 'UTC',
      count: 5,
    });
    expect(recent.latestBucket?.toISOString()).toBe('2025-01-09T00:00:00.000Z');
    expect(recent.sparkline.map((p) => p.t)).toEqual([4, 5, 6, 7, 8].map(day));
    expect(recent.latest).toBe(110);
    expect(recent.previous).toBe(100);
    expect(recent.deltaPct).toBeCloseTo(10);
  });

  it('reads a quiet latest bucket of a count as 0, of a ratio as a gap', () => {
    const stored = [
      { t: day(0), value: 4 },
      { t: day(1), value: 5 },
      { t: day(2), value: 6 },
    ];
    const args = { stored, watermark: new Date(day(4)), interval: 'day' as const, timeZone: 'UTC', count: 3 };
    const counts = summarizeRecent({ ...args, valueKind: 'count' });
    expect(counts.sparkline.map((p) => p.value)).toEqual([5, 6, 0]);
    expect(counts.deltaPct).toBeCloseTo(-100);
    const ratios = summarizeRecent({ ...args, valueKind: 'fractional' });
    expect(ratios.sparkline.map((p) => p.value)).toEqual([5, 6, null]);
    expect(ratios.latest).toBeNull();
    expect(ratios.deltaPct).toBeNull();
  });

  it('knows nothing before the first stored bucket when it got all the metric has', () => {
    const recent = summarizeRecent({
      stored: [{ t: day(8), value: 3 }],
      watermark: new Date(day(10)),
      interval: 'day',
      valueKind: 'count',
      timeZone: 'UTC',
      count: 4,
    });
    expect(recent.sparkline.map((p) => p.value)).toEqual([null, null, 3, 0]);
  });

  it('has nothing to show before the first collection', () => {
    const recent = summarizeRecent({
      stored: [],
      watermark: null,
      interval: 'hour',
      valueKind: 'count',
      timeZone: 'UTC',
    });
    expect(recent).toEqual({
      latest: null,
      latestBucket: null,
      previous: null,
      deltaPct: null,
      sparkline: [],
    });
  });
});
