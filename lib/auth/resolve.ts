/** The guard's database half, free of Next so tests can drive it directly. */
import type { DbOrTx } from '@/db/client';
import type { Actor, ProjectRef } from '@/lib/context';
import { notFound } from '@/lib/errors';
import type { Role } from './roles';
import { findMembershipBySlug, findUserById } from './queries';

export type SessionUser = { id: string; email: string; name: string };

export async function resolveUser(
  db: DbOrTx,
  { userId, sessionVersion }: { userId: string; sessionVersion: number },
): Promise<SessionUser | null> {
  const user = await findUserById(db, userId);
  if (!user || !user.isActive || user.sessionVersion !== sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name };
}

export async function resolveProjectContext(
  db: DbOrTx,
  { user, projectSlug }: { user: SessionUser; projectSlug: string },
): Promise<{ project: ProjectRef; role: Role; actor: Actor }> {
  const membership = await findMembershipBySlug(db, { userId: user.id, slug: projectSlug });
  // A project the caller is not a member of is reported exactly like one that does not exist.
  if (!membership) throw notFound('Project');
  return {
    project: membership.project,
    role: membership.role,
    actor: { type: 'user', userId: user.id, label: user.email },
  };
}
