/**
 * Which fact-table columns suit which use: the form offers only these, and validate.ts refuses anything else,
 * so the two cannot disagree. Client-safe: pure, no database.
 */
import type { Aggregation } from './schemas';

export type ColumnType = 'number' | 'string' | 'boolean' | 'timestamp';

const NUMERIC_ONLY: ReadonlySet<Aggregation> = new Set(['sum', 'avg', 'p50', 'p90', 'p95', 'p99']);
const ORDERED: ReadonlySet<Aggregation> = new Set(['min', 'max']);

/** The column types an aggregation accepts, or null when any column will do (count, count_distinct). */
export function acceptedColumnTypes(aggregation: Aggregation): readonly ColumnType[] | null {
  if (NUMERIC_ONLY.has(aggregation)) return ['number'];
  if (ORDERED.has(aggregation)) return ['number', 'timestamp'];
  return null;
}

export function isColumnFit(aggregation: Aggregation, type: ColumnType): boolean {
  const accepted = acceptedColumnTypes(aggregation);
  return accepted === null || accepted.includes(type);
}

/** Breakdowns group by a value: every type but a timestamp (a time is what buckets are for). */
export function isBreakdownColumn(type: ColumnType): boolean {
  return type !== 'timestamp';
}
