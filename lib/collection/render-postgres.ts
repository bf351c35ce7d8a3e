/**
 * Renders the planner's scans as Postgres SQL. The window is always `{{start}}` / `{{end}}`, bound as
 * parameters after the SQL guard has checked the whole statement; identifiers are quoted; the zone is a
 * checked IANA name. Buckets are aligned in the warehouse with `date_trunc(unit, ts, zone)`.
 */
import type { FactTableColumn } from '@/db/schema';
import type { Aggregation, MetricInterval } from '@/lib/metrics/schemas';
import { quoteIdent } from '@/lib/sql/guard';
import { isKnownTimeZone } from './buckets';
import type { AggregateSpec, BreakdownScan, PlanFactTable, Scan } from './plan';

/** Label of the values folded together beyond a breakdown's top N, and of a null dimension value. */
export const OTHER_VALUE = '(other)';
export const NULL_VALUE = '(null)';

const PERCENTILES: Partial<Record<Aggregation, string>> = {
  p50: '0.5',
  p90: '0.9',
  p95: '0.95',
  p99: '0.99',
};

function zoneLiteral(zone: string): string {
  // Zone names are letters, digits, `/`, `_`, `+`, `-`; anything else never reaches SQL.
  if (!/^[A-Za-z0-9_/+-]{1,64}$/.test(zone) || !isKnownTimeZone(zone)) {
    throw new Error(`Unknown time zone: ${zone}`);
  }
  return `'${zone}'`;
}

function timestampColumn(factTable: PlanFactTable): FactTableColumn {
  const column = factTable.columns.find((c) => c.name === factTable.timestampColumn);
  if (!column)
    throw new Error(`Fact table "${factTable.name}" has no column "${factTable.timestampColumn}".`);
  return column;
}

/** timestamptz columns compare directly (and keep their index); naive timestamps and dates are project-local. */
function isZoned(column: FactTableColumn): boolean {
  return /^(timestamptz|timestamp with time zone)$/i.test(column.nativeType);
}

function instantOf(column: FactTableColumn, relation: string, zone: string): string {
  const ref = `${relation}.${quoteIdent(column.name)}`;
  if (isZoned(column)) return ref;
  return `(${ref}::timestamp at time zone ${zoneLiteral(zone)})`;
}

function windowPredicate(column: FactTableColumn, relation: string, zone: string): string {
  const ref = `${relation}.${quoteIdent(column.name)}`;
  if (isZoned(column)) return `${ref} >= {{start}}::timestamptz and ${ref} < {{end}}::timestamptz`;
  const z = zoneLiteral(zone);
  return `${ref} >= ({{start}}::timestamptz at time zone ${z}) and ${ref} < ({{end}}::timestamptz at time zone ${z})`;
}

export function bucketExpression(
  factTable: PlanFactTable,
  interval: MetricInterval,
  zone: string,
  relation = 'q',
): string {
  return `date_trunc('${interval}', ${instantOf(timestampColumn(factTable), relation, zone)}, ${zoneLiteral(zone)})`;
}

export function aggregateExpression(spec: AggregateSpec, relation: string): string {
  const column = spec.column === null ? null : `${relation}.${quoteIdent(spec.column)}`;
  let call: string;
  const percentile = PERCENTILES[spec.aggregation];
  if (percentile !== undefined) {
    call = `percentile_cont(${percentile}) within group (order by ${column})`;
  } else if (spec.aggregation === 'count') {
    call = column === null ? 'count(*)' : `count(${column})`;
  } else if (spec.aggregation === 'count_distinct') {
    call = `count(distinct ${column})`;
  } else {
    call = `${spec.aggregation}(${column})`;
  }
  // Each filter sits on its own lines: a normalized fragment may end in a `--` comment.
  const filter =
    spec.filters.length === 0 ? '' : ` filter (where ${spec.filters.map((f) => `(\n${f}\n)`).join(' and ')})`;
  return `${call}${filter} as ${quoteIdent(spec.alias)}`;
}

/** One pass over the fact table for the window: one row per non-empty bucket, one column per aggregate. */
export function renderScan(scan: Scan, interval: MetricInterval, zone: string): string {
  const ts = timestampColumn(scan.factTable);
  const aggregates = scan.aggregates.map((a) => `  ${aggregateExpression(a, 'q')}`).join(',\n');
  return [
    `select ${bucketExpression(scan.factTable, interval, zone)} as bucket,`,
    aggregates,
    'from (',
    scan.factTable.sql,
    ') as q',
    `where ${windowPredicate(ts, 'q', zone)}`,
    'group by 1',
    'order by 1',
  ].join('\n');
}

/**
 * One grouped query per dimension: in each bucket the top N values by row count keep their own series and the
 * rest are aggregated together as `(other)` — computed from the rows, so distinct counts and percentiles stay
 * right. Ranking within the bucket keeps a bucket's values independent of the window it was collected in.
 * The ranking is a narrow grouped pass of its own, joined back by (bucket, value): carrying whole rows through
 * a materialized CTE costs far more than reading the window twice.
 */
export function renderBreakdownScan(scan: BreakdownScan, interval: MetricInterval, zone: string): string {
  if (scan.aggregates.every((a) => FOLD[a.aggregation] !== undefined)) {
    return renderFoldedBreakdownScan(scan, interval, zone);
  }
  const ts = timestampColumn(scan.factTable);
  const bucket = bucketExpression(scan.factTable, interval, zone);
  const dimension = `coalesce(q.${quoteIdent(scan.dimension)}::text, '${NULL_VALUE}')`;
  const aggregates = scan.aggregates.map((a) => `  ${aggregateExpression(a, 'q')}`).join(',\n');
  return [
    'with ranked as (',
    `select ${bucket} as sightline_bucket, ${dimension} as sightline_dimension,`,
    `  row_number() over (partition by ${bucket} order by count(*) desc, ${dimension}) as sightline_rank`,
    'from (',
    scan.factTable.sql,
    ') as q',
    `where ${windowPredicate(ts, 'q', zone)}`,
    'group by 1, 2',
    ')',
    `select ${bucket} as bucket,`,
    `  case when r.sightline_rank <= ${Math.floor(scan.topN)} then r.sightline_dimension else '${OTHER_VALUE}' end as dimension_value,`,
    aggregates,
    'from (',
    scan.factTable.sql,
    ') as q',
    `join ranked as r on r.sightline_bucket = ${bucket} and r.sightline_dimension = ${dimension}`,
    `where ${windowPredicate(ts, 'q', zone)}`,
    'group by 1, 2',
    'order by 1, 2',
  ].join('\n');
}

/** How a per-value partial aggregate folds into `(other)`: only for aggregates that decompose. */
const FOLD: Partial<Record<Aggregation, string>> = { count: 'sum', sum: 'sum', min: 'min', max: 'max' };

/**
 * The breakdown when every aggregate decomposes (count, sum, min, max): one grouped pass per (bucket, value),
 * then the ranking and the `(other)` fold over those few rows instead of the raw rows.
 */
function renderFoldedBreakdownScan(scan: BreakdownScan, interval: MetricInterval, zone: string): string {
  const ts = timestampColumn(scan.factTable);
  const dimension = `coalesce(q.${quoteIdent(scan.dimension)}::text, '${NULL_VALUE}')`;
  const partials = scan.aggregates.map((a) => `  ${aggregateExpression(a, 'q')}`).join(',\n');
  const folded = scan.aggregates
    .map((a) => `  ${FOLD[a.aggregation]}(g.${quoteIdent(a.alias)}) as ${quoteIdent(a.alias)}`)
    .join(',\n');
  return [
    'with grouped as (',
    `select ${bucketExpression(scan.factTable, interval, zone)} as sightline_bucket,`,
    `  ${dimension} as sightline_dimension, count(*) as sightline_rows,`,
    partials,
    'from (',
    scan.factTable.sql,
    ') as q',
    `where ${windowPredicate(ts, 'q', zone)}`,
    'group by 1, 2',
    '), ranked as (',
    'select g.*, row_number() over (partition by sightline_bucket order by sightline_rows desc, sightline_dimension) as sightline_rank',
    'from grouped as g',
    ')',
    'select g.sightline_bucket as bucket,',
    `  case when g.sightline_rank <= ${Math.floor(scan.topN)} then g.sightline_dimension else '${OTHER_VALUE}' end as dimension_value,`,
    folded,
    'from ranked as g',
    'group by 1, 2',
    'order by 1, 2',
  ].join('\n');
}
