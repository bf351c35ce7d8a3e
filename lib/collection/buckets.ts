/**
 * Bucket arithmetic in the project's time zone, matching the warehouse's `date_trunc(unit, ts, zone)`:
 * hours are clock hours, days start at local midnight, weeks on Monday (ISO), all DST-aware.
 * Pure: no database, no clock.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, addHours, addWeeks, startOfDay, startOfHour, startOfISOWeek } from 'date-fns';
import type { MetricInterval } from '@/lib/metrics/schemas';

export type Window = { start: Date; end: Date };

/** True when the IANA zone name is one this runtime (and so date-fns) can compute with. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The start of the bucket that contains `at`. */
export function bucketFloor(at: Date, interval: MetricInterval, zone: string): Date {
  const local = new TZDate(at.getTime(), zone);
  switch (interval) {
    case 'hour':
      return new Date(startOfHour(local).getTime());
    case 'day':
      return new Date(startOfDay(local).getTime());
    case 'week':
      return new Date(startOfISOWeek(local).getTime());
    default: {
      const never: never = interval;
      throw new Error(`Unknown interval: ${String(never)}`);
    }
  }
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT']);

/**
 * A bucket's length when it never varies: an hour is always 3,600 s (date-fns adds hours as elapsed time, in
 * any zone), and days and weeks in UTC have no DST. Null when only the calendar knows (local days and weeks).
 */
function fixedStepMs(interval: MetricInterval, zone: string): number | null {
  if (interval === 'hour') return 3_600_000;
  if (!UTC_ZONES.has(zone)) return null;
  return interval === 'day' ? 86_400_000 : 7 * 86_400_000;
}

/** `start` moved by `count` buckets (negative goes back); `start` should be a bucket start. */
export function addBuckets(start: Date, interval: MetricInterval, count: number, zone: string): Date {
  const step = fixedStepMs(interval, zone);
  if (step !== null) return new Date(start.getTime() + count * step);
  const local = new TZDate(start.getTime(), zone);
  switch (interval) {
    case 'hour':
      return new Date(addHours(local, count).getTime());
    case 'day':
      return new Date(addDays(local, count).getTime());
    case 'week':
      return new Date(addWeeks(local, count).getTime());
    default: {
      const never: never = interval;
      throw new Error(`Unknown interval: ${String(never)}`);
    }
  }
}

/** Every bucket start in [start, end), oldest first. */
export function listBuckets(window: Window, interval: MetricInterval, zone: string): Date[] {
  const buckets: Date[] = [];
  let at = bucketFloor(window.start, interval, zone);
  if (at.getTime() < window.start.getTime()) at = addBuckets(at, interval, 1, zone);
  const step = fixedStepMs(interval, zone);
  if (step !== null) {
    // Plain arithmetic: asking the zone database for every bucket costs more than the rest of a read.
    for (let t = at.getTime(); t < window.end.getTime(); t += step) buckets.push(new Date(t));
    return buckets;
  }
  while (at.getTime() < window.end.getTime()) {
    buckets.push(at);
    at = addBuckets(at, interval, 1, zone);
  }
  return buckets;
}

/** Splits a window into consecutive pieces of at most `size` buckets, oldest first. */
export function chunkWindow(window: Window, interval: MetricInterval, size: number, zone: string): Window[] {
  const chunks: Window[] = [];
  let start = window.start;
  while (start.getTime() < window.end.getTime()) {
    const next = addBuckets(start, interval, size, zone);
    const end = next.getTime() < window.end.getTime() ? next : window.end;
    chunks.push({ start, end });
    start = end;
  }
  return chunks;
}
