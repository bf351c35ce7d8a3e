/**
 * What the drilldown and the CSV export read from the URL, and the shapes they hand to the UI. Client-safe:
 * no database, no Node built-ins.
 */
import { z } from 'zod';
import type { MetricDirection, MetricFormat, MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import type { PeriodAggregate } from './transforms';

export const RANGE_PRESETS = ['24h', '7d', '30d', '90d', '1y'] as const;
export const RANGE_KEYS = [...RANGE_PRESETS, 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export type RangeKey = (typeof RANGE_KEYS)[number];

/** Most buckets one read may span (a little over two years of hours): bigger custom ranges fall back. */
export const MAX_RANGE_BUCKETS = 20_000;
/** Window lengths, in buckets, for the moving average and the trailing window. */
export const MAX_WINDOW_BUCKETS = 1_000;
export const DEFAULT_TOP_N = 5;
export const MAX_TOP_N = 10;

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2025-03-05.')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const at = new Date(Date.UTC(y, m - 1, d));
    return y >= 1970 && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
  }, 'Not a calendar date.');

const windowBuckets = z.coerce.number().int().min(2).max(MAX_WINDOW_BUCKETS);

/** Each field is parsed on its own: a bad one is dropped (its default applies), never an error page. */
export const seriesQueryFields = {
  range: z.enum(RANGE_KEYS),
  from: calendarDate,
  to: calendarDate,
  /** Moving average over this many buckets. */
  ma: windowBuckets,
  /** Trailing window (a rolling total) over this many buckets. */
  trail: windowBuckets,
  /** Overlay the period just before the shown one. */
  compare: z.literal('previous'),
  /** Values per dimension in the breakdown view; the rest is folded into "(other)". */
  top: z.coerce.number().int().min(1).max(MAX_TOP_N),
  /** Export breakdown rows of this dimension instead of the series. */
  breakdown: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/),
};

export type SeriesQuery = {
  range?: RangeKey;
  from?: string;
  to?: string;
  ma?: number;
  trail?: number;
  compare?: 'previous';
  top?: number;
  breakdown?: string;
};

export const seriesQuerySchema = z.object(seriesQueryFields).partial().strict();

export const metricSeriesInputSchema = seriesQuerySchema
  .extend({ metricId: z.uuid('Unknown metric.') })
  .strict();
export type MetricSeriesInput = z.infer<typeof metricSeriesInputSchema>;

export const metricIdOnlySchema = z.object({ metricId: z.uuid('Unknown metric.') }).strict();

export const catalogValuesInputSchema = z.object({ metricIds: z.array(z.uuid()).max(1000) }).strict();

export const acknowledgeAnomalyInputSchema = z.object({ anomalyId: z.uuid('Unknown anomaly.') }).strict();
export type AcknowledgeAnomalyInput = z.infer<typeof acknowledgeAnomalyInputSchema>;

export type SeverityLevel = 'low' | 'medium' | 'high';

export type ResolvedRange = {
  key: RangeKey;
  /** First bucket start, inclusive (ISO). */
  start: string;
  /** End, exclusive (ISO): the start of the bucket in progress, or the day after a custom `to`. */
  end: string;
  /** Calendar dates of the range in the project's time zone, for the custom inputs. */
  from: string;
  to: string;
};

export type ChartPoint = {
  t: number;
  value: number | null;
  expected: number | null;
  /** The band where an alert starts: [lower, upper]. */
  band: [number, number] | null;
  /** Severity when the detector flags this bucket or a stored anomaly sits on it. */
  flag: SeverityLevel | null;
  /** A stored anomaly sits on this bucket. */
  stored: boolean;
  ma: number | null;
  trailing: number | null;
  /** The value one period earlier, aligned bucket by bucket. */
  previous: number | null;
};

export type SeriesMeta = {
  metricId: string;
  name: string;
  interval: MetricInterval;
  valueKind: ValueKind;
  format: MetricFormat;
  unit: string;
  direction: MetricDirection;
  timeZone: string;
};

/** A note over a stretch of time on the chart ("marked expected: planned maintenance"), epoch ms, end exclusive. */
export type SeriesAnnotation = { start: number; end: number; note: string };

export type SeriesView = SeriesMeta & {
  range: ResolvedRange;
  /** Ranges offered for this interval (a day metric has no 24h view). */
  ranges: RangePreset[];
  points: ChartPoint[];
  options: { ma: number | null; trail: number | null; compare: boolean };
  comparison: {
    aggregate: PeriodAggregate;
    current: number | null;
    previous: number | null;
    deltaPct: number | null;
    previousStart: string;
    previousEnd: string;
  } | null;
  /** Total (counts) or mean (fractional) of the shown range, its latest value, and flagged buckets. */
  summary: { aggregate: PeriodAggregate; value: number | null; latest: number | null; flagged: number };
  /** What collection has covered: before `start` and from `end` on, values are unknown. */
  coverage: { start: string | null; end: string | null };
  /** True when the detector had too little history to draw a band anywhere in the range. */
  bandMissing: boolean;
  /** Annotations of the metric (and of the whole project) that overlap the range, clipped to it. */
  annotations?: SeriesAnnotation[];
};

export type BreakdownKey = { key: string; label: string };

export type BreakdownRow = {
  label: string;
  /** Total (counts) or mean (fractional) over the range. */
  value: number | null;
  /** Share of the dimension's total (counts only). */
  share: number | null;
  latest: number | null;
};

export type BreakdownView = {
  dimension: string;
  /** The buckets the chart points stand for: the metric's interval, or days for long hourly ranges. */
  interval: MetricInterval;
  /** Series keys (`v0`, `v1`, …) and the dimension values they stand for, largest first. */
  keys: BreakdownKey[];
  /** One object per bucket: `t` plus one entry per key. */
  points: ({ t: number } & Record<string, number | null>)[];
  rows: BreakdownRow[];
  /** Counts stack; fractional values (means, percentiles) are drawn as lines. */
  stacked: boolean;
  /** Values beyond the top N that could not be folded (fractional breakdowns). */
  hidden: number;
};

export type BreakdownsView = SeriesMeta & {
  range: ResolvedRange;
  top: number;
  dimensions: BreakdownView[];
};

export type AnomalyDto = {
  id: string;
  bucketStart: string;
  dimension: string;
  dimensionValue: string;
  value: number | null;
  expected: number;
  lower: number;
  upper: number;
  score: number;
  severity: SeverityLevel;
  direction: 'up' | 'down';
  status: 'active' | 'resolved';
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
};

export type CatalogValues = {
  latest: number | null;
  /** Start of the latest settled bucket (ISO), or null when nothing was collected. */
  latestBucket: string | null;
  previous: number | null;
  deltaPct: number | null;
  /** The last 30 buckets, densified, oldest first. */
  sparkline: { t: number; value: number | null }[];
  /** Highest severity among the metric's active anomalies. */
  signal: SeverityLevel | null;
  direction: MetricDirection;
  valueKind: ValueKind;
};
