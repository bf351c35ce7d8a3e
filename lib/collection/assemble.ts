/**
 * Turns scan rows into metric values. Pure: the engine feeds it what the warehouse returned.
 */
import type { Aggregation, ValueKind } from '@/lib/metrics/schemas';
import type { AggregateRef, MetricRecipe } from './plan';

export type SeriesPoint = { bucket: Date; value: number | null };
export type BreakdownPoint = {
  bucket: Date;
  dimension: string;
  dimensionValue: string;
  value: number | null;
};

/** Rows of one scan keyed by bucket epoch ms. */
export type ScanRows = Map<number, Record<string, unknown>>;

const COUNT_LIKE: ReadonlySet<Aggregation> = new Set(['count', 'count_distinct', 'sum']);

/** Warehouse numbers arrive as number, bigint or numeric strings; anything else is not a number. */
export function toNumber(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toBucketDate(raw: unknown): Date | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw === 'string' || typeof raw === 'number') {
    const d = new Date(raw);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

export function indexByBucket(rows: readonly Record<string, unknown>[]): ScanRows {
  const byBucket: ScanRows = new Map();
  for (const row of rows) {
    const bucket = toBucketDate(row.bucket);
    if (bucket) byBucket.set(bucket.getTime(), row);
  }
  return byBucket;
}

/**
 * An aggregate's value in a bucket the scan returned. Count-shaped aggregates read an empty filter as 0 (no
 * completed orders is zero revenue); the others stay null.
 */
function aggregateValue(row: Record<string, unknown> | undefined, ref: AggregateRef): number | null {
  if (row === undefined) return COUNT_LIKE.has(ref.aggregation) ? 0 : null;
  const value = toNumber(row[ref.alias]);
  if (value === null && COUNT_LIKE.has(ref.aggregation)) return 0;
  return value;
}

/**
 * The series of a planned metric. Buckets no scan returned are left out (read as gaps); a ratio over a zero or
 * missing denominator is an explicit null.
 */
export function assembleSeries(
  recipe: MetricRecipe,
  scans: ReadonlyMap<string, ScanRows>,
  valueKind: ValueKind,
): SeriesPoint[] {
  if (recipe.shape === 'single') {
    const rows = scans.get(recipe.value.scanKey) ?? new Map();
    return [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([ms, row]) => {
        const value = aggregateValue(row, recipe.value);
        return { bucket: new Date(ms), value: value === null && valueKind === 'count' ? 0 : value };
      });
  }
  const numerators = scans.get(recipe.numerator.scanKey) ?? new Map();
  const denominators = scans.get(recipe.denominator.scanKey) ?? new Map();
  const buckets = [...new Set([...numerators.keys(), ...denominators.keys()])].sort((a, b) => a - b);
  return buckets.map((ms) => {
    const numerator = aggregateValue(numerators.get(ms), recipe.numerator);
    const denominator = aggregateValue(denominators.get(ms), recipe.denominator);
    const value =
      numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
    return { bucket: new Date(ms), value };
  });
}

/** Breakdown rows of one dimension scan, read for one aggregate alias. */
export function assembleBreakdown(
  rows: readonly Record<string, unknown>[],
  input: { dimension: string; alias: string; aggregation: Aggregation },
): BreakdownPoint[] {
  const points: BreakdownPoint[] = [];
  for (const row of rows) {
    const bucket = toBucketDate(row.bucket);
    if (!bucket) continue;
    let value = toNumber(row[input.alias]);
    if (value === null && COUNT_LIKE.has(input.aggregation)) value = 0;
    points.push({ bucket, dimension: input.dimension, dimensionValue: String(row.dimension_value), value });
  }
  return points;
}
