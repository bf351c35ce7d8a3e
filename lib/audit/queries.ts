import type { DbOrTx } from '@/db/client';
import { auditEntries } from '@/db/schema';

export type NewAuditEntry = typeof auditEntries.$inferInsert;

export async function insertAuditEntry(db: DbOrTx, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditEntries).values(entry);
}
