import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEntries } from '@/db/schema';

export type NewAuditEntry = typeof auditEntries.$inferInsert;

export async function insertAuditEntry(db: DbOrTx, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditEntries).values(entry);
}

export async function listAuditEntries(
  db: DbOrTx,
  { projectId, limit }: { projectId: string; limit: number },
) {
  return db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.projectId, projectId)))
    .orderBy(desc(auditEntries.createdAt))
    .limit(limit);
}
