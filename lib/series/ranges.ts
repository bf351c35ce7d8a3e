/**
 * The shown range of a series, from the URL: a preset (24h … 1y) ending at the bucket in progress, or custom
 * calendar dates in the project's time zone. Anything unusable falls back to the interval's default range.
 * Pure: the clock comes in as `now`.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, addHours, addYears } from 'date-fns';
import { addBuckets, bucketFloor } from '@/lib/collection/buckets';
import type { MetricInterval } from '@/lib/metrics/schemas';
import { listBucketStarts } from './bucket-list';
import { toDateInput } from './format';
import {
  MAX_RANGE_BUCKETS,
  RANGE_PRESETS,
  type RangeKey,
  type RangePreset,
  type ResolvedRange,
  type SeriesQuery,
} from './schemas';

const PRESETS_BY_INTERVAL: Record<MetricInterval, readonly RangePreset[]> = {
  hour: RANGE_PRESETS,
  day: ['7d', '30d', '90d', '1y'],
  week: ['30d', '90d', '1y'],
};

const DEFAULT_PRESET: Record<MetricInterval, RangePreset> = { hour: '7d', day: '90d', week: '1y' };

const APPROX_BUCKET_MS: Record<MetricInterval, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

export function rangePresetsFor(interval: MetricInterval): RangePreset[] {
  return [...PRESETS_BY_INTERVAL[interval]];
}

export function defaultPresetFor(interval: MetricInterval): RangePreset {
  return DEFAULT_PRESET[interval];
}

export type Range = { key: RangeKey; start: Date; end: Date; buckets: Date[] };

function presetStart(preset: RangePreset, end: Date, zone: string): Date {
  const local = new TZDate(end.getTime(), zone);
  switch (preset) {
    case '24h':
      return new Date(addHours(local, -24).getTime());
    case '7d':
      return new Date(addDays(local, -7).getTime());
    case '30d':
      return new Date(addDays(local, -30).getTime());
    case '90d':
      return new Date(addDays(local, -90).getTime());
    case '1y':
      return new Date(addYears(local, -1).getTime());
    default: {
      const never: never = preset;
      throw new Error(`Unknown range: ${String(never)}`);
    }
  }
}

/** Local midnight of a "YYYY-MM-DD" date in the zone. */
function localMidnight(date: string, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, 0, zone).getTime());
}

function presetRange(preset: RangePreset, end: Date, interval: MetricInterval, zone: string): Range {
  const start = bucketFloor(presetStart(preset, end, zone), interval, zone);
  // Listed on first use: a reader answering from the series cache needs only the bounds.
  let buckets: Date[] | undefined;
  return {
    key: preset,
    start,
    end,
    get buckets() {
      return (buckets ??= listBucketStarts({ start, end }, interval, zone));
    },
  };
}

function customRange(
  { from, to }: { from: string; to: string },
  currentEnd: Date,
  interval: MetricInterval,
  zone: string,
): Range | null {
  const start = bucketFloor(localMidnight(from, zone), interval, zone);
  const dayAfter = new Date(addDays(new TZDate(localMidnight(to, zone).getTime(), zone), 1).getTime());
  const end = dayAfter.getTime() < currentEnd.getTime() ? dayAfter : currentEnd;
  if (start.getTime() >= end.getTime()) return null;
  if ((end.getTime() - start.getTime()) / APPROX_BUCKET_MS[interval] > MAX_RANGE_BUCKETS) return null;
  const buckets = listBucketStarts({ start, end }, interval, zone);
  if (buckets.length === 0 || buckets.length > MAX_RANGE_BUCKETS) return null;
  return { key: 'custom', start, end, buckets };
}

/** The range a query asks for, or the interval's default when it asks for something unusable. */
export function resolveRange(
  query: Pick<SeriesQuery, 'range' | 'from' | 'to'>,
  { now, interval, timeZone }: { now: Date; interval: MetricInterval; timeZone: string },
): Range {
  // The bucket in progress is not settled yet: ranges end where it starts.
  const end = bucketFloor(now, interval, timeZone);
  const wantsCustom = query.range === 'custom' || (query.range === undefined && query.from && query.to);
  if (wantsCustom && query.from && query.to) {
    const custom = customRange({ from: query.from, to: query.to }, end, interval, timeZone);
    if (custom) return custom;
  }
  const presets = PRESETS_BY_INTERVAL[interval];
  const preset =
    query.range && query.range !== 'custom' && presets.includes(query.range)
      ? query.range
      : DEFAULT_PRESET[interval];
  return presetRange(preset, end, interval, timeZone);
}

/** The period just before `range`, with as many buckets, for period-over-period comparison. */
export function previousPeriod(range: Range, interval: MetricInterval, timeZone: string): Range {
  const n = range.buckets.length;
  const start = addBuckets(range.start, interval, -n, timeZone);
  const buckets = listBucketStarts({ start, end: range.start }, interval, timeZone).slice(-n);
  return { key: range.key, start: buckets[0] ?? start, end: range.start, buckets };
}

export function toResolvedRange(range: Range, timeZone: string): ResolvedRange {
  return {
    key: range.key,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    from: toDateInput(range.start, timeZone),
    to: toDateInput(new Date(range.end.getTime() - 1), timeZone),
  };
}
