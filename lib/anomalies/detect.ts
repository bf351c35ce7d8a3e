// Anomaly detection for one bucketed series: pure, deterministic and causal — the output for a bucket
// depends only on the buckets before it (and its own value), so appending points never changes history.
// See docs/detector.md for the model and its knobs.
import { type DetectColumns, materialise } from './describe';
import { runEngine } from './models/engine';
import { PROFILES } from './models/profile';
import { prepareSeries } from './prepare';
import { computeAlertZ, normaliseSensitivity } from './scoring';
import type { DetectOptions, Interval, Point, Scored, Severity, ValueKind } from './types';

export type { DetectOptions, Direction, Interval, Point, Scored, Severity, ValueKind } from './types';
export { SEVERITY_RANK, SEVERITY_THRESHOLDS } from './scoring';
export type { DetectColumns } from './describe';

/** The severity from which the pipeline raises an anomaly (and the benchmark counts an alert). */
export const ALERT_SEVERITY: Severity = 'medium';

export const DEFAULT_MIN_HISTORY: Record<Interval, number> = {
  hour: PROFILES.hour.minHistory,
  day: PROFILES.day.minHistory,
  week: PROFILES.week.minHistory,
};

/** Defaults for the minimum effect sizes: tiny moves on very smooth series never alert. */
export const DEFAULT_MIN_EFFECT: Record<ValueKind, { absolute: number; relative: number }> = {
  count: { absolute: 3, relative: 0.02 },
  fractional: { absolute: 0, relative: 0.02 },
};

/** Scores one series; same length and order as `points`. See docs/detector.md. */
export function detectSeries(points: Point[], opts: DetectOptions): Scored[] {
  return materialise(detectColumns(points, opts));
}

/**
 * The same scores as detectSeries, as typed-array columns: no object per bucket, for callers that score
 * many long series (collection runs, the benchmark) and write them out column-wise.
 */
export function detectColumns(points: Point[], opts: DetectOptions): DetectColumns {
  const kind: ValueKind = opts.valueKind === 'count' ? 'count' : 'fractional';
  const profile = PROFILES[opts.interval] ?? PROFILES.day;
  const alertZ = computeAlertZ(normaliseSensitivity(opts.sensitivity));
  const minHistory = Math.round(readPositive(opts.minHistory, profile.minHistory, 3));
  const minAbs = readPositive(opts.minAbsoluteEffect, DEFAULT_MIN_EFFECT[kind].absolute, 0);
  const minRel = readPositive(opts.minRelativeEffect, DEFAULT_MIN_EFFECT[kind].relative, 0);
  const excluded = opts.excluded;
  const isExcluded = excluded === undefined ? null : (index: number) => safeCall(excluded, index);

  const timeline = prepareSeries(Array.isArray(points) ? points : [], kind);
  return runEngine(timeline, { kind, profile, minHistory, isExcluded, alertZ, minAbs, minRel });
}

function readPositive(value: number | undefined, fallback: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.max(min, value);
}

/** A throwing `excluded` callback must not take the detector down: the bucket is then learned from. */
function safeCall(excluded: (index: number) => boolean, index: number): boolean {
  try {
    return excluded(index) === true;
  } catch {
    return false;
  }
}
