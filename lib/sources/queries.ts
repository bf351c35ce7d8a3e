import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { dataSources, factTables } from '@/db/schema';
import { notFound } from '@/lib/errors';

export async function findDataSourceByName(
  db: DbOrTx,
  { projectId, name }: { projectId: string; name: string },
) {
  const [row] = await db
    .select()
    .from(dataSources)
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.name, name)))
    .limit(1);
  return row ?? null;
}

export async function insertDataSource(db: DbOrTx, values: typeof dataSources.$inferInsert) {
  const [row] = await db.insert(dataSources).values(values).returning();
  if (!row) throw new Error('insert into data_sources returned no row');
  return row;
}

export async function getDataSourceInProject(
  db: DbOrTx,
  { projectId, dataSourceId }: { projectId: string; dataSourceId: string },
) {
  const [row] = await db
    .select()
    .from(dataSources)
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.id, dataSourceId)))
    .limit(1);
  if (!row) throw notFound('Data source');
  return row;
}

export type DataSourceRow = typeof dataSources.$inferSelect;

export async function listDataSourcesInProject(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select()
    .from(dataSources)
    .where(eq(dataSources.projectId, projectId))
    .orderBy(asc(dataSources.name), asc(dataSources.id));
}

export async function updateDataSourceRow(
  db: DbOrTx,
  {
    projectId,
    dataSourceId,
    values,
  }: {
    projectId: string;
    dataSourceId: string;
    values: Omit<Partial<typeof dataSources.$inferInsert>, 'id' | 'projectId' | 'createdAt'>;
  },
) {
  const [row] = await db
    .update(dataSources)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.id, dataSourceId)))
    .returning();
  if (!row) throw notFound('Data source');
  return row;
}

/** Records a connection test without touching updatedAt: testing is not editing. */
export async function setDataSourceTestResult(
  db: DbOrTx,
  {
    projectId,
    dataSourceId,
    testedAt,
    error,
  }: { projectId: string; dataSourceId: string; testedAt: Date; error: string | null },
) {
  const [row] = await db
    .update(dataSources)
    .set({ lastTestedAt: testedAt, lastTestError: error })
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.id, dataSourceId)))
    .returning();
  if (!row) throw notFound('Data source');
  return row;
}

export async function deleteDataSourceRow(
  db: DbOrTx,
  { projectId, dataSourceId }: { projectId: string; dataSourceId: string },
) {
  await db
    .delete(dataSources)
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.id, dataSourceId)));
}

/** Fact tables reading a data source; fact_tables.data_source_id is ON DELETE RESTRICT. */
export async function listFactTablesUsingDataSource(
  db: DbOrTx,
  { projectId, dataSourceId }: { projectId: string; dataSourceId: string },
) {
  return db
    .select({ id: factTables.id, name: factTables.name })
    .from(factTables)
    .where(and(eq(factTables.projectId, projectId), eq(factTables.dataSourceId, dataSourceId)))
    .orderBy(asc(factTables.name));
}
