import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, metrics, users } from '@/db/schema';

/** Every metric of the project with its owner's email: what an export writes in place of the owner's id. */
export async function listMetricsWithOwnerEmail(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select({ metric: metrics, ownerEmail: users.email })
    .from(metrics)
    .leftJoin(users, eq(users.id, metrics.ownerId))
    .where(eq(metrics.projectId, projectId))
    .orderBy(asc(metrics.name), asc(metrics.id));
}

/** The project's members by email (inactive ones too: they may still own metrics, as the metric form allows). */
export async function listMemberEmails(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select({ userId: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId));
}
