/**
 * Fact-table verbs: preview, create, update, delete, list, get. Warehouse checks run before the transaction
 * opens, so no database transaction waits on a user's query.
 */
import type { DbOrTx } from '@/db/client';
import { onUniqueViolation } from '@/db/errors';
import type { FactTableColumn } from '@/db/schema';
import { emitAudit } from '@/lib/audit/service';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, parseInput, type FieldErrors } from '@/lib/errors';
import { consumePreviewBudget } from '@/lib/ops/preview-limit';
import { getDataSourceInProject } from '@/lib/sources/queries';
import { openForSource } from '@/lib/sources/service';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import type { WarehouseClient } from '@/lib/warehouse/types';
import type { WarehouseColumn } from '@/lib/warehouse/types';
import { toJsonSafeRow, type JsonValue } from './json-safe';
import { findBrokenMetrics, type BrokenMetric } from './metric-usage';
import {
  deleteFactTableRow,
  deleteRowFilters,
  findFactTableByName,
  getFactTableInProject,
  insertFactTable,
  insertRowFilter,
  listFactTablesInProject,
  listMetricsReadingFactTable,
  listRowFiltersOfFactTables,
  updateFactTableRow,
  updateRowFilter,
  type FactTableRow,
  type RowFilterRow,
} from './queries';
import {
  factTableIdInputSchema,
  factTableInputSchema,
  PREVIEW_SAMPLE_ROWS,
  previewInputSchema,
  updateFactTableInputSchema,
  type FactTableInput,
} from './schemas';
import {
  checkFactTable,
  checkFactTableSql,
  checkFactTableWithColumns,
  checkFilter,
  introspectColumns,
  runOnWarehouse,
  wrapQuery,
  type CheckedFactTable,
} from './warehouse-checks';

export type RowFilterDto = { id: string; name: string; expression: string };

export type FactTableDto = {
  id: string;
  name: string;
  description: string;
  dataSourceId: string;
  sql: string;
  timestampColumn: string;
  columns: FactTableColumn[];
  identifierColumns: string[];
  rowFilters: RowFilterDto[];
  createdAt: string;
  updatedAt: string;
};

export type FactTablePreview = {
  columns: WarehouseColumn[];
  /** At most PREVIEW_SAMPLE_ROWS rows, JSON-safe (timestamps as ISO strings, bigints as strings). */
  rows: Record<string, JsonValue>[];
  /** Rows in the sample; with `capped` the query returns more ("100+"). */
  rowCount: number;
  capped: boolean;
  elapsedMs: number;
  timestampColumns: string[];
};

async function checkWith(
  source: Parameters<typeof openForSource>[0],
  fields: FactTableInput,
  resolve: WarehouseResolver | undefined,
  columns: readonly FactTableColumn[] | undefined,
): Promise<CheckedFactTable> {
  if (columns) {
    const dialect = source.kind === 'clickhouse' ? 'clickhouse' : 'postgres';
    return checkFactTableWithColumns(dialect, fields, columns);
  }
  const opened = await openForSource(source, resolve);
  try {
    return await checkFactTable(opened.client, fields);
  } finally {
    await opened.release();
  }
}

type Verb<I> = {
  ctx: ServiceContext;
  input: I;
  resolve?: WarehouseResolver;
  /**
   * For a data source that cannot be queried yet (a definitions import creates data sources without a
   * password): check against these columns instead of the warehouse's, and store them.
   */
  columns?: readonly FactTableColumn[];
};

function toFactTableDto(row: FactTableRow, filters: readonly RowFilterRow[]): FactTableDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    dataSourceId: row.dataSourceId,
    sql: row.sql,
    timestampColumn: row.timestampColumn,
    columns: row.columns,
    identifierColumns: row.identifierColumns,
    rowFilters: filters
      .filter((f) => f.factTableId === row.id)
      .map((f) => ({ id: f.id, name: f.name, expression: f.expression }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Runs the SQL (and optionally one row filter) and returns the columns and the first rows. Writes nothing. */
export async function previewFactTable({ ctx, input, resolve }: Verb<unknown>): Promise<FactTablePreview> {
  requireRole(ctx, 'editor');
  const { dataSourceId, sql, rowFilter } = parseInput(previewInputSchema, input);
  await consumePreviewBudget(ctx);
  const source = await getDataSourceInProject(ctx.db, { projectId: ctx.project.id, dataSourceId });
  const opened = await openForSource(source, resolve);
  try {
    return await previewWith(opened.client, { sql, rowFilter });
  } finally {
    await opened.release();
  }
}

async function previewWith(
  client: WarehouseClient,
  { sql, rowFilter }: { sql: string; rowFilter?: string },
): Promise<FactTablePreview> {
  const normalized = await checkFactTableSql(sql, client.dialect);

  const filters: string[] = [];
  if (rowFilter !== undefined) {
    // The filter may only name columns the query returns, so learn them first.
    const columns = await introspectColumns(client, normalized);
    const verdict = await checkFilter(
      rowFilter,
      columns.map((c) => c.name),
      client.dialect,
    );
    if (!verdict.ok) {
      throw new AppError('validation', verdict.message, { fieldErrors: { rowFilter: verdict.message } });
    }
    filters.push(verdict.normalized);
  }

  // One row past the sample tells whether there are more, without counting the whole result.
  const query = wrapQuery(normalized, { filters, limit: PREVIEW_SAMPLE_ROWS + 1 });
  const result = await runOnWarehouse(client, query, filters.length > 0 ? 'rowFilter' : 'sql');
  const sample = result.rows.slice(0, PREVIEW_SAMPLE_ROWS);
  return {
    columns: result.columns,
    rows: sample.map(toJsonSafeRow),
    rowCount: sample.length,
    capped: result.rows.length > PREVIEW_SAMPLE_ROWS,
    elapsedMs: result.elapsedMs,
    timestampColumns: result.columns.filter((c) => c.type === 'timestamp').map((c) => c.name),
  };
}

export async function createFactTable({
  ctx,
  input,
  resolve,
  columns,
}: Verb<unknown>): Promise<FactTableDto> {
  requireRole(ctx, 'editor');
  const fields = parseInput(factTableInputSchema, input);
  const projectId = ctx.project.id;
  const source = await getDataSourceInProject(ctx.db, { projectId, dataSourceId: fields.dataSourceId });
  // Cheap before the warehouse runs, authoritative again inside the transaction.
  await assertNameFree(ctx.db, { projectId, name: fields.name });
  const checked = await checkWith(source, fields, resolve, columns);

  return withTransaction(ctx, async (tx) => {
    await assertNameFree(tx.db, { projectId, name: fields.name });
    const row = await onUniqueViolation(
      'fact_tables_project_name_unique',
      () => nameTaken(fields.name),
      () => insertFactTable(tx.db, { projectId, ...rowValues(fields, checked) }),
    );
    const filters: RowFilterRow[] = [];
    for (const [i, filter] of fields.rowFilters.entries()) {
      filters.push(
        await insertRowFilter(tx.db, {
          projectId,
          factTableId: row.id,
          name: filter.name,
          expression: checked.rowFilterExpressions[i] ?? filter.expression,
        }),
      );
    }
    const after = toFactTableDto(row, filters);
    await emitAudit(tx, { action: 'fact_table.create', resource: { type: 'fact_table', id: row.id }, after });
    return after;
  });
}

/**
 * Saves a changed fact table. Everything is checked again (SECURITY A4), and a change that would remove a
 * column or row filter a metric still uses is refused with the metrics' names.
 */
export async function updateFactTable({
  ctx,
  input,
  resolve,
  columns,
}: Verb<unknown>): Promise<FactTableDto> {
  requireRole(ctx, 'editor');
  const { id, ...fields } = parseInput(updateFactTableInputSchema, input);
  const projectId = ctx.project.id;
  await getFactTableInProject(ctx.db, { projectId, factTableId: id });
  const source = await getDataSourceInProject(ctx.db, { projectId, dataSourceId: fields.dataSourceId });
  await assertNameFree(ctx.db, { projectId, name: fields.name, exceptId: id });
  const checked = await checkWith(source, fields, resolve, columns);

  return withTransaction(ctx, async (tx) => {
    const beforeRow = await getFactTableInProject(tx.db, { projectId, factTableId: id });
    const beforeFilters = await listRowFiltersOfFactTables(tx.db, { projectId, factTableIds: [id] });
    const plan = planRowFilters(fields, beforeFilters);

    const readers = await listMetricsReadingFactTable(tx.db, { projectId, factTableId: id });
    const broken = findBrokenMetrics(readers, id, {
      columns: new Set(checked.columns.map((c) => c.name)),
      rowFilterIds: new Set(plan.keep.map((k) => k.id)),
    });
    if (broken.length > 0) throw brokenMetricsError(broken, beforeFilters);

    await assertNameFree(tx.db, { projectId, name: fields.name, exceptId: id });
    const row = await onUniqueViolation(
      'fact_tables_project_name_unique',
      () => nameTaken(fields.name),
      () => updateFactTableRow(tx.db, { projectId, factTableId: id, values: rowValues(fields, checked) }),
    );
    await deleteRowFilters(tx.db, { factTableId: id, rowFilterIds: plan.remove });
    const renamed = plan.keep.filter(
      (k) => beforeFilters.find((f) => f.id === k.id)?.name !== fields.rowFilters[k.index]?.name,
    );
    // (fact table, name) is unique and checked row by row: renamed filters first park on their own id, so
    // swapping two names never collides half-way.
    for (const { id: rowFilterId } of renamed) {
      await updateRowFilter(tx.db, {
        factTableId: id,
        rowFilterId,
        values: { name: rowFilterId },
      });
    }
    const filters: RowFilterRow[] = [];
    for (const [i, filter] of fields.rowFilters.entries()) {
      const values = { name: filter.name, expression: checked.rowFilterExpressions[i] ?? filter.expression };
      const kept = plan.keep.find((k) => k.index === i);
      filters.push(
        kept
          ? await updateRowFilter(tx.db, { factTableId: id, rowFilterId: kept.id, values })
          : await insertRowFilter(tx.db, { projectId, factTableId: id, ...values }),
      );
    }

    const before = toFactTableDto(beforeRow, beforeFilters);
    const after = toFactTableDto(row, filters);
    await emitAudit(tx, {
      action: 'fact_table.update',
      resource: { type: 'fact_table', id },
      before,
      after,
    });
    return after;
  });
}

/** Deletes a fact table nobody reads; its row filters go with it. */
export async function deleteFactTable({ ctx, input }: Verb<unknown>): Promise<{ id: string }> {
  requireRole(ctx, 'editor');
  const { id } = parseInput(factTableIdInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const row = await getFactTableInProject(tx.db, { projectId, factTableId: id });
    const readers = await listMetricsReadingFactTable(tx.db, { projectId, factTableId: id });
    if (readers.length > 0) {
      throw new AppError(
        'conflict',
        `${countMetrics(readers.length)} read this fact table: ${listMetricNames(readers)}. Change or delete ${readers.length === 1 ? 'it' : 'them'} first.`,
      );
    }
    const filters = await listRowFiltersOfFactTables(tx.db, { projectId, factTableIds: [id] });
    await deleteFactTableRow(tx.db, { projectId, factTableId: id });
    await emitAudit(tx, {
      action: 'fact_table.delete',
      resource: { type: 'fact_table', id },
      before: toFactTableDto(row, filters),
    });
    return { id };
  });
}

export async function listFactTables({ ctx }: { ctx: ServiceContext }): Promise<FactTableDto[]> {
  requireRole(ctx, 'viewer');
  const projectId = ctx.project.id;
  const rows = await listFactTablesInProject(ctx.db, { projectId });
  const filters = await listRowFiltersOfFactTables(ctx.db, {
    projectId,
    factTableIds: rows.map((r) => r.id),
  });
  return rows.map((row) => toFactTableDto(row, filters));
}

export async function getFactTable({ ctx, input }: Verb<unknown>): Promise<FactTableDto> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(factTableIdInputSchema, input);
  const projectId = ctx.project.id;
  const row = await getFactTableInProject(ctx.db, { projectId, factTableId: id });
  const filters = await listRowFiltersOfFactTables(ctx.db, { projectId, factTableIds: [id] });
  return toFactTableDto(row, filters);
}

function rowValues(fields: FactTableInput, checked: CheckedFactTable) {
  return {
    dataSourceId: fields.dataSourceId,
    name: fields.name,
    description: fields.description,
    sql: fields.sql,
    timestampColumn: fields.timestampColumn,
    columns: checked.columns,
    identifierColumns: fields.identifierColumns,
  };
}

const nameTaken = (name: string) =>
  new AppError('conflict', `A fact table named "${name}" already exists in this project.`, {
    fieldErrors: { name: 'Another fact table already has this name.' },
  });

async function assertNameFree(
  db: DbOrTx,
  { projectId, name, exceptId }: { projectId: string; name: string; exceptId?: string },
): Promise<void> {
  const existing = await findFactTableByName(db, { projectId, name });
  if (existing && existing.id !== exceptId) throw nameTaken(name);
}

type RowFilterPlan = { keep: { index: number; id: string }[]; remove: string[] };

/**
 * Matches input filters to stored ones so metrics keep their filter ids: by id when the form sends it,
 * otherwise by name. Stored filters matched by neither are removed.
 */
function planRowFilters(fields: FactTableInput, stored: readonly RowFilterRow[]): RowFilterPlan {
  const storedIds = new Set(stored.map((f) => f.id));
  const fieldErrors: FieldErrors = {};
  const claimed = new Set<string>();
  fields.rowFilters.forEach((filter, i) => {
    if (filter.id === undefined) return;
    if (storedIds.has(filter.id)) claimed.add(filter.id);
    else fieldErrors[`rowFilters.${i}.id`] = 'This row filter does not belong to this fact table.';
  });
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError('validation', 'Some fields need attention.', { fieldErrors });
  }
  const keep: RowFilterPlan['keep'] = [];
  fields.rowFilters.forEach((filter, i) => {
    if (filter.id !== undefined) {
      keep.push({ index: i, id: filter.id });
      return;
    }
    const byName = stored.find((f) => f.name === filter.name && !claimed.has(f.id));
    if (byName) {
      claimed.add(byName.id);
      keep.push({ index: i, id: byName.id });
    }
  });
  return { keep, remove: stored.filter((f) => !claimed.has(f.id)).map((f) => f.id) };
}

const countMetrics = (n: number) => `${n} metric${n === 1 ? '' : 's'}`;

function listMetricNames(metrics: readonly { name: string }[]): string {
  const shown = metrics.slice(0, 5).map((m) => m.name);
  return metrics.length > 5 ? `${shown.join(', ')} and ${metrics.length - 5} more` : shown.join(', ');
}

function brokenMetricsError(
  broken: readonly BrokenMetric[],
  storedFilters: readonly RowFilterRow[],
): AppError {
  const fieldErrors: FieldErrors = {};
  const columns = new Map<string, string[]>();
  const filters = new Map<string, string[]>();
  for (const metric of broken) {
    for (const column of metric.missingColumns)
      columns.set(column, [...(columns.get(column) ?? []), metric.name]);
    for (const filterId of metric.missingRowFilterIds) {
      const name = storedFilters.find((f) => f.id === filterId)?.name ?? filterId;
      filters.set(name, [...(filters.get(name) ?? []), metric.name]);
    }
  }
  const describe = (uses: Map<string, string[]>) =>
    [...uses].map(([what, by]) => `"${what}" (used by ${by.join(', ')})`).join('; ');
  if (columns.size > 0) fieldErrors.sql = `The query no longer returns ${describe(columns)}.`;
  if (filters.size > 0) fieldErrors.rowFilters = `This removes row filter ${describe(filters)}.`;
  return new AppError(
    'conflict',
    `This change would break ${countMetrics(broken.length)}: ${listMetricNames(broken)}. Keep the columns and row filters they use, or change those metrics first.`,
    { fieldErrors },
  );
}
