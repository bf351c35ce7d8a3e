import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { factTables, metricDependencies, metrics, rowFilters } from '@/db/schema';
import { notFound } from '@/lib/errors';

export async function findFactTableByName(
  db: DbOrTx,
  { projectId, name }: { projectId: string; name: string },
) {
  const [row] = await db
    .select()
    .from(factTables)
    .where(and(eq(factTables.projectId, projectId), eq(factTables.name, name)))
    .limit(1);
  return row ?? null;
}

export async function insertFactTable(db: DbOrTx, values: typeof factTables.$inferInsert) {
  const [row] = await db.insert(factTables).values(values).returning();
  if (!row) throw new Error('insert into fact_tables returned no row');
  return row;
}

export async function listRowFilters(
  db: DbOrTx,
  { projectId, factTableId }: { projectId: string; factTableId: string },
) {
  return db
    .select()
    .from(rowFilters)
    .where(and(eq(rowFilters.projectId, projectId), eq(rowFilters.factTableId, factTableId)));
}

export async function insertRowFilter(db: DbOrTx, values: typeof rowFilters.$inferInsert) {
  const [row] = await db.insert(rowFilters).values(values).returning();
  if (!row) throw new Error('insert into row_filters returned no row');
  return row;
}

export type FactTableRow = typeof factTables.$inferSelect;
export type RowFilterRow = typeof rowFilters.$inferSelect;

export async function getFactTableInProject(
  db: DbOrTx,
  { projectId, factTableId }: { projectId: string; factTableId: string },
) {
  const [row] = await db
    .select()
    .from(factTables)
    .where(and(eq(factTables.projectId, projectId), eq(factTables.id, factTableId)))
    .limit(1);
  if (!row) throw notFound('Fact table');
  return row;
}

export async function listFactTablesInProject(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select()
    .from(factTables)
    .where(eq(factTables.projectId, projectId))
    .orderBy(asc(factTables.name));
}

export async function listRowFiltersOfFactTables(
  db: DbOrTx,
  { projectId, factTableIds }: { projectId: string; factTableIds: string[] },
) {
  if (factTableIds.length === 0) return [];
  return db
    .select()
    .from(rowFilters)
    .where(and(eq(rowFilters.projectId, projectId), inArray(rowFilters.factTableId, factTableIds)))
    .orderBy(asc(rowFilters.name));
}

export async function updateFactTableRow(
  db: DbOrTx,
  {
    projectId,
    factTableId,
    values,
  }: {
    projectId: string;
    factTableId: string;
    values: Omit<Partial<typeof factTables.$inferInsert>, 'id' | 'projectId' | 'createdAt'>;
  },
) {
  const [row] = await db
    .update(factTables)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(factTables.projectId, projectId), eq(factTables.id, factTableId)))
    .returning();
  if (!row) throw notFound('Fact table');
  return row;
}

/** Row filters go with it (ON DELETE CASCADE); metric_dependencies RESTRICT refuses if a metric still reads it. */
export async function deleteFactTableRow(
  db: DbOrTx,
  { projectId, factTableId }: { projectId: string; factTableId: string },
) {
  await db.delete(factTables).where(and(eq(factTables.projectId, projectId), eq(factTables.id, factTableId)));
}

export async function updateRowFilter(
  db: DbOrTx,
  {
    factTableId,
    rowFilterId,
    values,
  }: { factTableId: string; rowFilterId: string; values: { name: string; expression?: string } },
) {
  const [row] = await db
    .update(rowFilters)
    .set(values)
    .where(and(eq(rowFilters.factTableId, factTableId), eq(rowFilters.id, rowFilterId)))
    .returning();
  if (!row) throw notFound('Row filter');
  return row;
}

export async function deleteRowFilters(
  db: DbOrTx,
  { factTableId, rowFilterIds }: { factTableId: string; rowFilterIds: string[] },
) {
  if (rowFilterIds.length === 0) return;
  await db
    .delete(rowFilters)
    .where(and(eq(rowFilters.factTableId, factTableId), inArray(rowFilters.id, rowFilterIds)));
}

/** Metrics of the project that read the fact table, with the definition to re-parse. */
export async function listMetricsReadingFactTable(
  db: DbOrTx,
  { projectId, factTableId }: { projectId: string; factTableId: string },
) {
  return db
    .selectDistinct({ id: metrics.id, name: metrics.name, definition: metrics.definition })
    .from(metricDependencies)
    .innerJoin(metrics, eq(metrics.id, metricDependencies.metricId))
    .where(and(eq(metrics.projectId, projectId), eq(metricDependencies.factTableId, factTableId)))
    .orderBy(asc(metrics.name));
}

/** The data source a fact table reads, scoped to the project; another project's source is simply not found. */
