/**
 * The expected band of a series and its flagged buckets. Detection stores the detector's output on each
 * whole-metric row (`metric_values.expected / lower / upper / score`) when it scores a bucket, and the drilldown
 * reads it back: this file is the one definition of how a scored bucket becomes a stored band and a flag, shared
 * by both sides, plus `scoreSeries`, which scores a series on the spot the same way.
 */
import { ALERT_SEVERITY, SEVERITY_THRESHOLDS, detectSeries, type Scored } from '@/lib/anomalies/detect';
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import type { SeriesPoint } from './densify';
import type { SeverityLevel } from './schemas';

/** What is stored per bucket. All null where the detector had nothing to say (warm-up, too little history). */
export type StoredBand = {
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Null where the bucket was not scored (warm-up, a gap): such a bucket may still have a forecast band. */
  score: number | null;
};

export type BandPoint = {
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Severity when the bucket scores at or above the alert severity. */
  flag: SeverityLevel | null;
};

const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

/** The row values detection writes for a scored bucket: a band only when both bounds are known, in order. */
export function toStoredBand(s: Scored): StoredBand {
  const expected = finite(s.expected);
  const a = finite(s.lower);
  const b = finite(s.upper);
  const banded = expected !== null && a !== null && b !== null;
  return {
    expected,
    lower: banded ? Math.min(a, b) : null,
    upper: banded ? Math.max(a, b) : null,
    score: s.insufficient ? null : Math.min(1, Math.max(0, s.score)),
  };
}

const ALERT_SCORE = SEVERITY_THRESHOLDS[ALERT_SEVERITY as SeverityLevel];

/** The flag of a stored score: its severity when it reaches the alert severity (the detector's thresholds). */
export function flagOf(score: number | null): SeverityLevel | null {
  if (score === null || !(score >= ALERT_SCORE)) return null;
  if (score >= SEVERITY_THRESHOLDS.high) return 'high';
  if (score >= SEVERITY_THRESHOLDS.medium) return 'medium';
  return 'low';
}

/**
 * Scores a densified series with the pipeline's detector and returns what the chart would show for each bucket:
 * what detection stores for the same series, as a band and a flag. Used to check stored bands against the
 * detector (and to score a series that was never stored).
 */
export function scoreSeries(
  points: readonly SeriesPoint[],
  {
    valueKind,
    interval,
    sensitivity,
    excluded,
  }: {
    valueKind: ValueKind;
    interval: MetricInterval;
    sensitivity: number;
    /** Buckets (epoch ms) marked as expected events: scored, never learned from. */
    excluded?: ReadonlySet<number>;
  },
): BandPoint[] {
  const scored = detectSeries(
    points.map((p) => ({ t: p.t, value: p.value })),
    {
      valueKind,
      interval,
      sensitivity,
      excluded: excluded && excluded.size > 0 ? (i) => excluded.has(points[i]?.t ?? NaN) : undefined,
    },
  );
  return scored.map((s) => {
    const band = toStoredBand(s);
    return { expected: band.expected, lower: band.lower, upper: band.upper, flag: flagOf(band.score) };
  });
}
