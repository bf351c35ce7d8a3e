/**
 * Renders the planner's scans as ClickHouse SQL, the counterpart of render-postgres.ts, for servers from 18.16
 * on (no window functions, no toStartOfInterval, no -OrNull combinators there).
 *
 * - Conditional aggregates: `countIf`, `sumIf`, `avgIf`, `minIf`, `maxIf`, `uniqExactIf`, `quantileIf(p)`, each
 *   with the aggregate's row filters as its condition. min, max, avg and percentiles over no rows are NULL
 *   (ClickHouse would answer 0 or nan), as in Postgres.
 * - Buckets in the project's zone: `toStartOfHour(ts, zone)`, `toStartOfDay(ts, zone)`,
 *   `toDateTime(toMonday(ts, zone), zone)`, returned as DateTime('UTC') so the text read back is unambiguous.
 *   DateTime columns are instants; Date columns are calendar days in the project's zone.
 * - The window is `{{start}}` / `{{end}}`; the client renders them as DateTime literals.
 * - Breakdowns keep each bucket's top N values by row count (ties by value, byte order) through `LIMIT n BY`
 *   and fold the rest into `(other)` computed from the rows, so distinct counts and percentiles stay right.
 *
 * Everything Sightline adds to the text (identifiers, zone, labels, numbers) goes through clickhouse-literals.
 * Inner names are `sightline_*` and columns are read as `q.<name>`: a ClickHouse alias shadows a column of the
 * same name anywhere in its query, so no alias may share a name with a fact-table column.
 */
import type { FactTableColumn } from '@/db/schema';
import type { Aggregation, MetricInterval } from '@/lib/metrics/schemas';
import { chCount, chIdentifier, chString, chTimeZone } from '@/lib/warehouse/clickhouse-literals';
import { unwrapClickHouseType } from '@/lib/warehouse/type-buckets';
import type { AggregateSpec, BreakdownScan, PlanFactTable, Scan } from './plan';
import { NULL_VALUE, OTHER_VALUE } from './render-postgres';

const PERCENTILES: Partial<Record<Aggregation, string>> = {
  p50: '0.5',
  p90: '0.9',
  p95: '0.95',
  p99: '0.99',
};

function timestampColumn(factTable: PlanFactTable): FactTableColumn {
  const column = factTable.columns.find((c) => c.name === factTable.timestampColumn);
  if (!column)
    throw new Error(`Fact table "${factTable.name}" has no column "${factTable.timestampColumn}".`);
  return column;
}

const col = (name: string) => `q.${chIdentifier(name)}`;

/** The row's instant: DateTime columns as they are, Date columns at midnight in the project's zone. */
function instantOf(column: FactTableColumn, zone: string): string {
  const type = unwrapClickHouseType(column.nativeType);
  if (type === 'Date' || type === 'Date32') return `toDateTime(${col(column.name)}, ${chTimeZone(zone)})`;
  return col(column.name);
}

function windowPredicate(column: FactTableColumn, zone: string): string {
  const instant = instantOf(column, zone);
  return `${instant} >= {{start}} and ${instant} < {{end}}`;
}

export function bucketExpression(factTable: PlanFactTable, interval: MetricInterval, zone: string): string {
  const instant = instantOf(timestampColumn(factTable), zone);
  const z = chTimeZone(zone);
  switch (interval) {
    case 'hour':
      return `toStartOfHour(${instant}, ${z})`;
    case 'day':
      return `toStartOfDay(${instant}, ${z})`;
    case 'week':
      return `toDateTime(toMonday(${instant}, ${z}), ${z})`;
    default: {
      const never: never = interval;
      throw new Error(`Unknown interval: ${String(never)}`);
    }
  }
}

/** The aggregate's row filters as one UInt8 condition; a NULL filter result excludes the row, as in Postgres. */
function conditionOf(filters: readonly string[]): string | null {
  if (filters.length === 0) return null;
  // Each filter sits on its own lines: a normalized fragment may end in a `--` comment.
  return filters.map((f) => `if((\n${f}\n), 1, 0)`).join(' and ');
}

/** `fn(args)` without filters, `fnIf(args, cond)` with them; `params` is the parametric part, e.g. `(0.9)`. */
function conditional(fn: string, args: string, condition: string | null, params = ''): string {
  return condition === null ? `${fn}${params}(${args})` : `${fn}If${params}(${args}, ${condition})`;
}

/** Rows the aggregate sees: the filters, and a non-null value when it reads a column. */
function seenRows(column: string | null, condition: string | null): string {
  const parts = [
    ...(column === null ? [] : [`isNotNull(${column})`]),
    ...(condition === null ? [] : [condition]),
  ];
  return parts.length === 0 ? 'count()' : `countIf(${parts.join(' and ')})`;
}

export function aggregateExpression(spec: AggregateSpec): string {
  const column = spec.column === null ? null : col(spec.column);
  const condition = conditionOf(spec.filters);
  const percentile = PERCENTILES[spec.aggregation];
  const orNull = (call: string) => `if(${seenRows(column, condition)} = 0, NULL, ${call})`;
  if (spec.aggregation === 'count') return seenRows(column, condition);
  if (column === null) throw new Error(`Aggregation ${spec.aggregation} needs a column.`);
  if (percentile !== undefined) {
    // quantile interpolates like percentile_cont; it is exact up to 8,192 rows per bucket, sampled beyond.
    return orNull(conditional('quantile', `toFloat64(${column})`, condition, `(${percentile})`));
  }
  switch (spec.aggregation) {
    case 'count_distinct':
      return conditional('uniqExact', column, condition);
    case 'sum':
      return conditional('sum', column, condition);
    case 'avg':
      // Decimal averages stay Decimal (and truncate) in older servers: average as Float64 like Postgres numeric.
      return orNull(conditional('avg', `toFloat64(${column})`, condition));
    case 'min':
    case 'max':
      return orNull(conditional(spec.aggregation, column, condition));
    default:
      throw new Error(`Unknown aggregation: ${spec.aggregation}`);
  }
}

const inner = (alias: string) => chIdentifier(`sightline_${alias}`);

/** The outer select: buckets as DateTime('UTC'), aggregates under their plan aliases. */
function outerColumns(aggregates: readonly AggregateSpec[]): string[] {
  return aggregates.map((a) => `  s.${inner(a.alias)} as ${chIdentifier(a.alias)}`);
}

/** One pass over the fact table for the window: one row per non-empty bucket, one column per aggregate. */
export function renderScan(scan: Scan, interval: MetricInterval, zone: string): string {
  const ts = timestampColumn(scan.factTable);
  const outer = outerColumns(scan.aggregates);
  return [
    "select toTimeZone(s.sightline_bucket, 'UTC') as bucket" + (outer.length > 0 ? ',' : ''),
    outer.join(',\n'),
    'from (',
    `select ${bucketExpression(scan.factTable, interval, zone)} as sightline_bucket,`,
    scan.aggregates.map((a) => `  ${aggregateExpression(a)} as ${inner(a.alias)}`).join(',\n'),
    'from (',
    scan.factTable.sql,
    ') as q',
    `where ${windowPredicate(ts, zone)}`,
    'group by sightline_bucket',
    ') as s',
    'order by bucket',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * One grouped query per dimension. A bucket's top N values come from a narrow grouped pass (`LIMIT n BY`
 * bucket, by row count, then value); every other value of that bucket is labelled `(other)` before grouping,
 * so the `(other)` aggregates are computed from the rows themselves.
 */
export function renderBreakdownScan(scan: BreakdownScan, interval: MetricInterval, zone: string): string {
  const ts = timestampColumn(scan.factTable);
  const bucket = bucketExpression(scan.factTable, interval, zone);
  const dimension = `ifNull(toString(${col(scan.dimension)}), ${chString(NULL_VALUE)})`;
  const outer = outerColumns(scan.aggregates);
  return [
    "select toTimeZone(s.sightline_bucket, 'UTC') as bucket,",
    `  s.sightline_value as dimension_value${outer.length > 0 ? ',' : ''}`,
    outer.join(',\n'),
    'from (',
    `select ${bucket} as sightline_bucket,`,
    `  if((sightline_bucket, ${dimension}) in (`,
    `    select ${bucket} as sightline_top_bucket, ${dimension} as sightline_top_value`,
    '    from (',
    scan.factTable.sql,
    '    ) as q',
    `    where ${windowPredicate(ts, zone)}`,
    '    group by sightline_top_bucket, sightline_top_value',
    '    order by sightline_top_bucket, count() desc, sightline_top_value',
    `    limit ${chCount(Math.floor(scan.topN))} by sightline_top_bucket`,
    `  ), ${dimension}, ${chString(OTHER_VALUE)}) as sightline_value,`,
    scan.aggregates.map((a) => `  ${aggregateExpression(a)} as ${inner(a.alias)}`).join(',\n'),
    'from (',
    scan.factTable.sql,
    ') as q',
    `where ${windowPredicate(ts, zone)}`,
    'group by sightline_bucket, sightline_value',
    ') as s',
    'order by bucket, dimension_value',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
