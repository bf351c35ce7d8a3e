import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { factTables, rowFilters } from '@/db/schema';

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
