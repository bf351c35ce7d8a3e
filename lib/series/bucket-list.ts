/**
 * `listBuckets` from lib/collection/buckets.ts, without a time-zone lookup per bucket. The same buckets, exactly:
 * an hour bucket is the previous one plus 3,600,000 ms there too (date-fns `addHours` is absolute time), and in
 * UTC days and weeks have a fixed length. Other intervals in other zones fall back to the DST-aware listing.
 * A year of hourly buckets goes from ~100 ms (a `TZDate` per bucket) to well under 1 ms. Pure.
 */
import { bucketFloor, listBuckets, type Window } from '@/lib/collection/buckets';
import type { MetricInterval } from '@/lib/metrics/schemas';

const FIXED_MS: Record<MetricInterval, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

const UTC_ZONES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT']);

/** The fixed length of a bucket of `interval` in `zone`, or null when it depends on the date (DST). */
function fixedStepMs(interval: MetricInterval, zone: string): number | null {
  if (interval === 'hour' || UTC_ZONES.has(zone)) return FIXED_MS[interval];
  return null;
}

/** Every bucket start in [start, end), oldest first: the same list as `listBuckets`. */
export function listBucketStarts(window: Window, interval: MetricInterval, zone: string): Date[] {
  const step = fixedStepMs(interval, zone);
  if (step === null) return listBuckets(window, interval, zone);
  const end = window.end.getTime();
  let at = bucketFloor(window.start, interval, zone).getTime();
  if (at < window.start.getTime()) at += step;
  const buckets: Date[] = [];
  for (; at < end; at += step) buckets.push(new Date(at));
  return buckets;
}
