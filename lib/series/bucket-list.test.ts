import { describe, expect, it } from 'vitest';
import { listBuckets } from '@/lib/collection/buckets';
import type { MetricInterval } from '@/lib/metrics/schemas';
import { listBucketStarts } from './bucket-list';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const INTERVALS: MetricInterval[] = ['hour', 'day', 'week'];

describe('listBucketStarts', () => {
  // Windows across both DST changes of 2026, starting off a bucket boundary.
  const windows = [
    { start: new Date('2026-03-01T07:17:00Z'), end: new Date('2026-04-15T00:00:00Z') },
    { start: new Date('2026-10-20T23:59:59Z'), end: new Date('2026-11-10T05:30:00Z') },
    { start: new Date('2025-11-23T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') },
  ];

  for (const zone of ZONES) {
    for (const interval of INTERVALS) {
      it(`lists the same ${interval} buckets as listBuckets in ${zone}`, () => {
        for (const window of windows) {
          expect(listBucketStarts(window, interval, zone)).toEqual(listBuckets(window, interval, zone));
        }
      });
    }
  }

  it('is empty for an empty window', () => {
    const at = new Date('2026-11-23T00:00:00Z');
    expect(listBucketStarts({ start: at, end: at }, 'hour', 'UTC')).toEqual([]);
  });
});
