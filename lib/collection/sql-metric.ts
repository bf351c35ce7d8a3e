/**
 * Reads the rows of a `sql` metric: `bucket` (timestamp) and `value` (number), optionally `dimension`.
 * Pure. Buckets are floored to the metric's interval; rows outside the window are ignored.
 */
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import { toBucketDate, toNumber, type BreakdownPoint, type SeriesPoint } from './assemble';
import { bucketFloor, type Window } from './buckets';
import { NULL_VALUE } from './render-postgres';

export class SqlMetricShapeError extends Error {}

/** The dimension name breakdown values of a `sql` metric are stored under. */
export const SQL_DIMENSION = 'dimension';

export function readSqlMetricRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  opts: { interval: MetricInterval; zone: string; window: Window; valueKind: ValueKind },
): { series: SeriesPoint[]; breakdown: BreakdownPoint[] } {
  for (const required of ['bucket', 'value']) {
    if (!columns.includes(required)) {
      throw new SqlMetricShapeError(
        `The query returns no "${required}" column; return bucket (a timestamp) and value (a number), optionally dimension. It returns: ${columns.join(', ') || '(nothing)'}.`,
      );
    }
  }
  const hasDimension = columns.includes('dimension');
  const totals = new Map<number, number | null>();
  const parts = new Map<string, BreakdownPoint>();
  const start = opts.window.start.getTime();
  const end = opts.window.end.getTime();

  for (const row of rows) {
    const raw = toBucketDate(row.bucket);
    if (raw === null)
      throw new SqlMetricShapeError(`A row's bucket is not a timestamp: ${String(row.bucket)}.`);
    const bucket = bucketFloor(raw, opts.interval, opts.zone);
    const ms = bucket.getTime();
    if (ms < start || ms >= end) continue;
    const value = toNumber(row.value);
    if (value === null && row.value !== null && row.value !== undefined) {
      throw new SqlMetricShapeError(`A row's value is not a number: ${String(row.value)}.`);
    }
    const dimension = hasDimension ? row.dimension : null;
    if (dimension === null || dimension === undefined) {
      if (totals.has(ms)) {
        throw new SqlMetricShapeError(
          `The query returns more than one row for bucket ${bucket.toISOString()}; group by the bucket.`,
        );
      }
      totals.set(ms, value);
    } else {
      const dimensionValue = String(dimension) === '' ? NULL_VALUE : String(dimension);
      const key = `${ms}|${dimensionValue}`;
      if (parts.has(key)) {
        throw new SqlMetricShapeError(
          `The query returns more than one row for bucket ${bucket.toISOString()} and dimension "${dimensionValue}".`,
        );
      }
      parts.set(key, { bucket, dimension: SQL_DIMENSION, dimensionValue, value });
    }
  }

  // With a dimension and no total row, a count-shaped total is the sum of its parts; other totals are unknown.
  if (opts.valueKind === 'count') {
    const derived = new Map<number, number>();
    for (const part of parts.values()) {
      const ms = part.bucket.getTime();
      if (!totals.has(ms)) derived.set(ms, (derived.get(ms) ?? 0) + (part.value ?? 0));
    }
    for (const [ms, value] of derived) totals.set(ms, value);
  }
  const series = [...totals.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ms, value]) => ({
      bucket: new Date(ms),
      value: value === null && opts.valueKind === 'count' ? 0 : value,
    }));
  return { series, breakdown: [...parts.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime()) };
}
