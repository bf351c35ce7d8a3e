/**
 * Everything a fact table is checked against before it is saved or previewed: the SQL guard, then the
 * warehouse itself (which columns the query returns, whether each row filter parses and type-checks there).
 * Every problem is raised with the form field it belongs to.
 */
import type { FactTableColumn } from '@/db/schema';
import { AppError, type FieldErrors } from '@/lib/errors';
import { checkClickHouseRowFilter } from '@/lib/sql/clickhouse';
import { checkRowFilter, checkSelect } from '@/lib/sql/guard';
import { WarehouseError } from '@/lib/warehouse/errors';
import type { QueryLimits, QueryResult, WarehouseClient } from '@/lib/warehouse/types';
import type { FactTableInput } from './schemas';

/** Interactive runs: short, and small enough to render. */
export const INTERACTIVE_LIMITS: QueryLimits = { timeoutMs: 10_000, maxRows: 1_000 };

/** The guard's verdict on the SQL; refusal is a validation error on the `sql` field. */
export async function checkFactTableSql(sql: string, dialect: WarehouseClient['dialect']): Promise<string> {
  const verdict = await checkSelect(sql, { dialect });
  if (!verdict.ok) {
    throw new AppError('validation', verdict.message, { fieldErrors: { sql: verdict.message } });
  }
  return verdict.normalized;
}

/**
 * The checked query as a subquery, optionally filtered. Each part sits on its own lines, because the guard's
 * normalized SQL may end in a `--` comment; row filters were proven self-contained by checkRowFilter.
 */
export function wrapQuery(normalized: string, opts: { filters?: readonly string[]; limit: number }): string {
  const filters = opts.filters ?? [];
  const where = filters.length === 0 ? '' : `\nwhere ${filters.map((f) => `(\n${f}\n)`).join(' and ')}`;
  return `select * from (\n${normalized}\n) as q${where}\nlimit ${Math.floor(opts.limit)}`;
}

/** Runs on the warehouse; its errors are about the user's SQL, so its message is shown on `field`. */
export async function runOnWarehouse(
  client: WarehouseClient,
  sql: string,
  field: string,
): Promise<QueryResult> {
  try {
    return await client.runSelect(sql, [], INTERACTIVE_LIMITS);
  } catch (error) {
    if (error instanceof WarehouseError) {
      throw new AppError('warehouse', error.message, {
        fieldErrors: { [field]: error.message },
        cause: error,
      });
    }
    throw error;
  }
}

/** The columns the query returns, learned from a run that returns no rows. */
export async function introspectColumns(
  client: WarehouseClient,
  normalized: string,
): Promise<FactTableColumn[]> {
  const { columns } = await runOnWarehouse(client, wrapQuery(normalized, { limit: 0 }), 'sql');
  return columns.map(({ name, type, nativeType }) => ({ name, type, nativeType }));
}

/** A row filter accepted by the guard for these columns, or the guard's message. */
export async function checkFilter(
  expression: string,
  columnNames: readonly string[],
  dialect: WarehouseClient['dialect'] = 'postgres',
): Promise<{ ok: true; normalized: string } | { ok: false; message: string }> {
  const verdict =
    dialect === 'clickhouse'
      ? await checkClickHouseRowFilter(expression, columnNames)
      : await checkRowFilter(expression, columnNames);
  return verdict.ok ? { ok: true, normalized: verdict.normalized } : { ok: false, message: verdict.message };
}

const listNames = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));

export type CheckedFactTable = {
  normalized: string;
  columns: FactTableColumn[];
  /** Normalized row-filter expressions, in input order. */
  rowFilterExpressions: string[];
};

/**
 * Checks a whole fact-table input against the guard and the warehouse (SECURITY A4: run again on every save,
 * so a new SQL or data source is never trusted because the old one was fine).
 */
export async function checkFactTable(
  client: WarehouseClient,
  input: FactTableInput,
): Promise<CheckedFactTable> {
  const normalized = await checkFactTableSql(input.sql, client.dialect);
  const columns = await introspectColumns(client, normalized);
  const checked = await checkAgainstColumns(input, { normalized, columns, dialect: client.dialect });
  await typeCheckFilters(client, normalized, checked.rowFilterExpressions);
  return checked;
}

/**
 * The same checks for a data source that cannot be queried yet (no password set): the guard, then every column
 * and row-filter check against columns the caller declares instead of the warehouse's. Whether a filter
 * type-checks is left to the first collection.
 */
export async function checkFactTableWithColumns(
  dialect: WarehouseClient['dialect'],
  input: FactTableInput,
  columns: readonly FactTableColumn[],
): Promise<CheckedFactTable> {
  const normalized = await checkFactTableSql(input.sql, dialect);
  return checkAgainstColumns(input, { normalized, columns: [...columns], dialect });
}

async function checkAgainstColumns(
  input: FactTableInput,
  {
    normalized,
    columns,
    dialect,
  }: { normalized: string; columns: FactTableColumn[]; dialect: WarehouseClient['dialect'] },
): Promise<CheckedFactTable> {
  const names = columns.map((c) => c.name);
  const fieldErrors: FieldErrors = {};

  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    fieldErrors.sql = `The query returns more than one column named "${duplicate}"; give each column its own name (… AS name).`;
  }

  const timestampColumns = columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
  const timestamp = columns.find((c) => c.name === input.timestampColumn);
  if (timestamp === undefined) {
    fieldErrors.timestampColumn = `The query returns no column "${input.timestampColumn}"; timestamp columns: ${listNames(timestampColumns)}.`;
  } else if (timestamp.type !== 'timestamp') {
    fieldErrors.timestampColumn = `Column "${timestamp.name}" is ${timestamp.nativeType}, not a timestamp; timestamp columns: ${listNames(timestampColumns)}.`;
  }

  input.identifierColumns.forEach((column, i) => {
    if (!names.includes(column)) {
      fieldErrors[`identifierColumns.${i}`] =
        `The query returns no column "${column}"; columns: ${listNames(names)}.`;
    }
  });

  const rowFilterExpressions: string[] = [];
  for (const [i, filter] of input.rowFilters.entries()) {
    const verdict = await checkFilter(filter.expression, names, dialect);
    if (verdict.ok) rowFilterExpressions.push(verdict.normalized);
    else fieldErrors[`rowFilters.${i}.expression`] = verdict.message;
  }

  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError('validation', 'Some fields need attention.', { fieldErrors });
  }
  return { normalized, columns, rowFilterExpressions };
}

/**
 * The guard proves each filter is one expression over known columns; only the warehouse knows whether it is a
 * boolean and its operators fit the column types. One query checks them all; on failure each is run alone to
 * point at the one that failed.
 */
async function typeCheckFilters(
  client: WarehouseClient,
  normalized: string,
  expressions: readonly string[],
): Promise<void> {
  if (expressions.length === 0) return;
  try {
    await runOnWarehouse(client, wrapQuery(normalized, { filters: expressions, limit: 0 }), 'sql');
    return;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'warehouse' || expressions.length === 1) {
      throw renameField(error, 'sql', 'rowFilters.0.expression');
    }
  }
  for (const [i, expression] of expressions.entries()) {
    await runOnWarehouse(
      client,
      wrapQuery(normalized, { filters: [expression], limit: 0 }),
      `rowFilters.${i}.expression`,
    );
  }
  throw new AppError('warehouse', 'The row filters fail together in the warehouse; check their conditions.', {
    fieldErrors: { rowFilters: 'The row filters fail together in the warehouse.' },
  });
}

function renameField(error: unknown, from: string, to: string): unknown {
  if (!(error instanceof AppError) || error.code !== 'warehouse' || error.fieldErrors?.[from] === undefined) {
    return error;
  }
  return new AppError(error.code, error.message, {
    fieldErrors: { [to]: error.fieldErrors[from] },
    cause: error.cause,
  });
}
