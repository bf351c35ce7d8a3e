import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEntries, projects } from '@/db/schema';
import { notFound } from '@/lib/errors';

export type NewAuditEntry = typeof auditEntries.$inferInsert;
export type AuditEntryRow = typeof auditEntries.$inferSelect;

export async function insertAuditEntry(db: DbOrTx, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditEntries).values(entry);
}

export type AuditFilter = {
  /** `user:<id>`, `token:<id>` or `system:<job>`, split. */
  actor?: { type: AuditEntryRow['actorType']; id: string };
  action?: string;
  resourceType?: string;
  resourceId?: string;
};

function whereOf(projectId: string, filter: AuditFilter): SQL | undefined {
  return and(
    eq(auditEntries.projectId, projectId),
    filter.actor ? eq(auditEntries.actorType, filter.actor.type) : undefined,
    filter.actor ? eq(auditEntries.actorId, filter.actor.id) : undefined,
    filter.action ? eq(auditEntries.action, filter.action) : undefined,
    filter.resourceType ? eq(auditEntries.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(auditEntries.resourceId, filter.resourceId) : undefined,
  );
}

/**
 * One page of the project's audit log, newest first, plus one row to tell whether there is an older page. The
 * keyset cursor is the id of the last entry shown: `(created_at, id)` of that row, compared in the database, so
 * entries written in the same millisecond are neither skipped nor repeated.
 */
export async function listAuditEntryRows(
  db: DbOrTx,
  {
    projectId,
    filter,
    before,
    limit,
  }: { projectId: string; filter: AuditFilter; before?: string; limit: number },
): Promise<AuditEntryRow[]> {
  const cursor = before
    ? sql`(${auditEntries.createdAt}, ${auditEntries.id}) < (
        select c.created_at, c.id from audit_entries c where c.id = ${before}::uuid and c.project_id = ${projectId}::uuid
      )`
    : undefined;
  return db
    .select()
    .from(auditEntries)
    .where(and(whereOf(projectId, filter), cursor))
    .orderBy(desc(auditEntries.createdAt), desc(auditEntries.id))
    .limit(limit + 1);
}

export async function getAuditEntryInProject(
  db: DbOrTx,
  { projectId, entryId }: { projectId: string; entryId: string },
): Promise<AuditEntryRow> {
  const [row] = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.projectId, projectId), eq(auditEntries.id, entryId)))
    .limit(1);
  if (!row) throw notFound('Audit entry');
  return row;
}

/** Who has acted in the project, with the label they had most recently: the actor filter's options. */
export async function listAuditActors(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select({
      type: auditEntries.actorType,
      id: auditEntries.actorId,
      label: sql<string>`(array_agg(${auditEntries.actorLabel} order by ${auditEntries.createdAt} desc))[1]`,
    })
    .from(auditEntries)
    .where(eq(auditEntries.projectId, projectId))
    .groupBy(auditEntries.actorType, auditEntries.actorId);
}

/** The actions and resource types that occur in the project's log: the other filters' options. */
export async function listAuditKinds(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .selectDistinct({ action: auditEntries.action, resourceType: auditEntries.resourceType })
    .from(auditEntries)
    .where(eq(auditEntries.projectId, projectId));
}

/** The projects system work touched, for the audit entries it leaves in each. */
export async function listProjectsByIds(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: projects.id,
      slug: projects.slug,
      name: projects.name,
      timeZone: projects.timeZone,
      retention: projects.retention,
    })
    .from(projects)
    .where(inArray(projects.id, [...ids]));
}
