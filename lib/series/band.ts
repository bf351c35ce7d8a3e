/**
 * The expected band and the flagged buckets of a shown series, computed on read by the same pure detector the
 * pipeline uses, so the chart and stored anomalies agree. The caller passes history before the range as well:
 * the detector is causal, so that history only sharpens the band, it never changes what a bucket means.
 */
import { ALERT_SEVERITY, SEVERITY_RANK, detectSeries } from '@/lib/anomalies/detect';
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import type { SeriesPoint } from './densify';
import type { SeverityLevel } from './schemas';

export type BandPoint = {
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Severity when the bucket scores at or above the alert severity. */
  flag: SeverityLevel | null;
};

/** History the detector gets before the shown range: enough for its warm-up and a few seasonal cycles. */
export const DETECTOR_HISTORY_BUCKETS: Record<MetricInterval, number> = {
  hour: 24 * 28,
  day: 120,
  week: 52,
};

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
  const alertRank = SEVERITY_RANK[ALERT_SEVERITY];
  return scored.map((s) => ({
    expected: s.expected,
    lower: s.lower,
    upper: s.upper,
    flag:
      !s.insufficient && s.severity !== 'none' && SEVERITY_RANK[s.severity] >= alertRank ? s.severity : null,
  }));
}
