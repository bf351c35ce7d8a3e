/**
 * Which buckets a collection touches. A tick collects `[watermark − lookback, last complete bucket end)`;
 * a metric never collected starts `history` buckets back; a backfill rebuilds exactly the buckets that start
 * in the asked range. Only complete buckets are collected: the bucket `now` falls in is still filling.
 * Pure: `now` is passed in.
 */
import type { MetricInterval } from '@/lib/metrics/schemas';
import { addBuckets, bucketFloor, chunkWindow, type Window } from './buckets';

export type CollectionPolicy = {
  /** Settled buckets re-collected behind the watermark on every tick, to absorb late rows. */
  lookback: Record<MetricInterval, number>;
  /** Buckets collected the first time a metric is collected. */
  history: Record<MetricInterval, number>;
  /** Buckets per warehouse query: long ranges are split so each query stays bounded and progress shows. */
  chunk: Record<MetricInterval, number>;
};

export const DEFAULT_POLICY: CollectionPolicy = {
  lookback: { hour: 3, day: 2, week: 1 },
  history: { hour: 24 * 120, day: 400, week: 104 },
  chunk: { hour: 24 * 14, day: 120, week: 52 },
};

/** The end of the last complete bucket: where every window stops. */
export function settledEnd(now: Date, interval: MetricInterval, zone: string): Date {
  return bucketFloor(now, interval, zone);
}

/**
 * The window a tick collects for one metric, or null when no new bucket has completed since its watermark.
 * `force` (a manual run) re-collects the lookback even then.
 */
export function tickWindow(input: {
  watermark: Date | null;
  now: Date;
  interval: MetricInterval;
  zone: string;
  policy?: CollectionPolicy;
  force?: boolean;
}): Window | null {
  const policy = input.policy ?? DEFAULT_POLICY;
  const end = settledEnd(input.now, input.interval, input.zone);
  if (input.watermark === null) {
    return { start: addBuckets(end, input.interval, -policy.history[input.interval], input.zone), end };
  }
  const watermark = bucketFloor(input.watermark, input.interval, input.zone);
  if (watermark.getTime() >= end.getTime() && !input.force) return null;
  const from = watermark.getTime() < end.getTime() ? watermark : end;
  const start = addBuckets(from, input.interval, -policy.lookback[input.interval], input.zone);
  return { start, end };
}

/**
 * The buckets a backfill of [start, end) rebuilds: every bucket starting in the range, clipped to settled
 * buckets. Null when nothing in the range has completed yet.
 */
export function backfillWindow(input: {
  start: Date;
  end: Date;
  now: Date;
  interval: MetricInterval;
  zone: string;
}): Window | null {
  let start = bucketFloor(input.start, input.interval, input.zone);
  if (start.getTime() < input.start.getTime()) start = addBuckets(start, input.interval, 1, input.zone);
  let end = bucketFloor(input.end, input.interval, input.zone);
  if (end.getTime() < input.end.getTime()) end = addBuckets(end, input.interval, 1, input.zone);
  const settled = settledEnd(input.now, input.interval, input.zone);
  if (end.getTime() > settled.getTime()) end = settled;
  return start.getTime() < end.getTime() ? { start, end } : null;
}

export function chunksOf(
  window: Window,
  interval: MetricInterval,
  zone: string,
  policy = DEFAULT_POLICY,
): Window[] {
  return chunkWindow(window, interval, policy.chunk[interval], zone);
}
