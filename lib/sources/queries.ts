import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { dataSources } from '@/db/schema';
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
