/**
 * The catalog's view of one metric's recent values: the last N settled buckets ending at the watermark,
 * densified, with the latest value, the bucket before it and the change between them. Pure.
 */
import { addBuckets, bucketFloor } from '@/lib/collection/buckets';
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import { listBucketStarts } from './bucket-list';
import { densify, type SeriesPoint } from './densify';
import { deltaPct } from './transforms';

export const SPARKLINE_BUCKETS = 30;

export type RecentValues = {
  latest: number | null;
  latestBucket: Date | null;
  previous: number | null;
  deltaPct: number | null;
  sparkline: SeriesPoint[];
};

/** The last `count` settled buckets before the watermark, oldest first. */
export function recentBuckets({
  watermark,
  interval,
  timeZone,
  count = SPARKLINE_BUCKETS,
}: {
  watermark: Date;
  interval: MetricInterval;
  timeZone: string;
  count?: number;
}): Date[] {
  const last = bucketFloor(new Date(watermark.getTime() - 1), interval, timeZone);
  const start = addBuckets(last, interval, -(count - 1), timeZone);
  return listBucketStarts({ start, end: addBuckets(last, interval, 1, timeZone) }, interval, timeZone);
}

export function summarizeRecent({
  stored,
  watermark,
  interval,
  valueKind,
  timeZone,
  count = SPARKLINE_BUCKETS,
  buckets: known,
}: {
  /** The latest stored values before the watermark, at most `count` of them. */
  stored: readonly SeriesPoint[];
  /** End of the last settled bucket; null when the metric was never collected. */
  watermark: Date | null;
  interval: MetricInterval;
  valueKind: ValueKind;
  timeZone: string;
  count?: number;
  /** `recentBuckets` for this watermark, when the caller already has them (metrics often share a watermark). */
  buckets?: readonly Date[];
}): RecentValues {
  if (!watermark) return { latest: null, latestBucket: null, previous: null, deltaPct: null, sparkline: [] };
  const buckets = known ?? recentBuckets({ watermark, interval, timeZone, count });
  const last = buckets.at(-1) as Date;
  // Fewer rows than asked for means these are all the metric has: before the first one nothing was collected.
  const first = stored.length < count && stored.length > 0 ? Math.min(...stored.map((p) => p.t)) : null;
  const sparkline = densify({ buckets, stored, valueKind, coverage: { start: first, end: null } });
  const latest = sparkline.at(-1)?.value ?? null;
  const previous = sparkline.at(-2)?.value ?? null;
  return {
    latest,
    latestBucket: last,
    previous,
    deltaPct: deltaPct(latest, previous),
    sparkline,
  };
}
