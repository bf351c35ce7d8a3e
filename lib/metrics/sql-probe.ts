/**
 * Proves a `sql` metric can run before it is saved: the guard, then a LIMIT 0 run in the warehouse that shows
 * which columns the query returns. Problems are reported on `definition.sql`.
 */
import { openForSource, type OpenedWarehouse } from '@/lib/sources/service';
import type { FactTableColumn } from '@/db/schema';
import { AppError, type FieldErrors } from '@/lib/errors';
import type { DataSourceRow } from '@/lib/sources/queries';
import { checkSelect } from '@/lib/sql/guard';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import { WarehouseError } from '@/lib/warehouse/errors';
import type { QueryLimits, WarehouseColumn } from '@/lib/warehouse/types';
import type { MetricInterval } from './schemas';

const listNames = (names: readonly string[]) => names.join(', ');

/** A `sql` metric's columns: bucket and value are required, dimension is optional, nothing else is read. */
const SQL_METRIC_COLUMNS: Record<string, { types: readonly FactTableColumn['type'][]; what: string }> = {
  bucket: { types: ['timestamp'], what: 'a timestamp (the start of each bucket)' },
  value: { types: ['number'], what: 'a number' },
  dimension: { types: ['string', 'number', 'boolean'], what: 'a string, number or boolean' },
};

/** Checks run interactively: short, and the probe returns no rows anyway. */
const PROBE_LIMITS: QueryLimits = { timeoutMs: 10_000, maxRows: 1 };

const INTERVAL_MS: Record<MetricInterval, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** What the probe found wrong with the columns, or null when they fit. */
export function describeSqlMetricColumns(columns: readonly WarehouseColumn[]): string | null {
  const names = columns.map((c) => c.name);
  const problems: string[] = [];
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) problems.push(`It returns more than one column named "${duplicate}".`);
  for (const name of ['bucket', 'value'] as const) {
    if (!names.includes(name)) {
      problems.push(`It returns no "${name}" column; return ${SQL_METRIC_COLUMNS[name]?.what} AS ${name}.`);
    }
  }
  for (const column of columns) {
    const spec = SQL_METRIC_COLUMNS[column.name];
    if (!spec) continue;
    if (!spec.types.includes(column.type)) {
      problems.push(`"${column.name}" is ${column.nativeType}; it must be ${spec.what}.`);
    }
  }
  const extra = names.filter((name) => !(name in SQL_METRIC_COLUMNS));
  if (extra.length > 0) {
    problems.push(
      `It also returns ${listNames(extra.map((n) => `"${n}"`))}; return only bucket, value and optionally dimension.`,
    );
  }
  return problems.length === 0
    ? null
    : `Return bucket (a timestamp) and value (a number), optionally dimension. ${problems.join(' ')}`;
}

/**
 * Proves a `sql` metric can run: the guard accepts it with `{{start}}` and `{{end}}` (both required, so each
 * collection reads only its window), and the warehouse runs it over one bucket-long window, with LIMIT 0 and
 * the window bound as parameters, to learn the columns it returns. Problems come back on `definition.sql`;
 * `warehouse` says the warehouse itself refused the query.
 */
export async function probeSqlMetric({
  dataSource,
  sql,
  interval,
  now,
  resolve,
}: {
  dataSource: DataSourceRow;
  sql: string;
  interval: MetricInterval;
  now: Date;
  resolve?: WarehouseResolver;
}): Promise<{ fieldErrors: FieldErrors; warehouse: boolean }> {
  let opened: OpenedWarehouse;
  try {
    opened = await openForSource(dataSource, resolve);
  } catch (error) {
    if (error instanceof AppError) {
      return { fieldErrors: { 'definition.dataSourceId': error.message }, warehouse: false };
    }
    throw error;
  }
  try {
    const client = opened.client;
    const verdict = await checkSelect(sql, { dialect: client.dialect, placeholders: ['start', 'end'] });
    if (!verdict.ok) return { fieldErrors: { 'definition.sql': verdict.message }, warehouse: false };
    const missing = ['start', 'end'].filter((name) => !verdict.params.includes(name));
    if (missing.length > 0) {
      return {
        fieldErrors: {
          'definition.sql': `Bound the time window with ${missing.map((n) => `{{${n}}}`).join(' and ')}, e.g. WHERE created_at >= {{start}} AND created_at < {{end}}: each collection reads only its own window.`,
        },
        warehouse: false,
      };
    }
    const window = { start: new Date(now.getTime() - INTERVAL_MS[interval]), end: now };
    const params = verdict.params.map((name) => (name === 'start' ? window.start : window.end));
    try {
      const { columns } = await client.runSelect(
        `select * from (\n${verdict.normalized}\n) as sightline_metric limit 0`,
        params,
        PROBE_LIMITS,
      );
      const problem = describeSqlMetricColumns(columns);
      return { fieldErrors: problem === null ? {} : { 'definition.sql': problem }, warehouse: false };
    } catch (error) {
      if (error instanceof WarehouseError) {
        return { fieldErrors: { 'definition.sql': error.message }, warehouse: true };
      }
      throw error;
    }
  } finally {
    await opened.release();
  }
}
