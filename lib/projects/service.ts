import { getDb } from '@/db/client';
import { listMembershipsOfUser } from '@/lib/auth/queries';
import type { SessionUser } from '@/lib/auth/resolve';
import type { Role } from '@/lib/auth/roles';
import { requireRole, type ServiceContext } from '@/lib/context';
import { listProjectMembers } from './queries';

export type ProjectSummary = { slug: string; name: string; role: Role };

/** The projects the signed-in user is a member of, for the project switcher and the landing redirect. */
export async function listMyProjects(user: SessionUser): Promise<ProjectSummary[]> {
  const { db } = await getDb();
  return listMembershipsOfUser(db, user.id);
}

export type ProjectMember = { id: string; name: string; email: string; role: Role };

/** Who belongs to the project, for pickers such as a metric's owner. */
export async function listMembers({ ctx }: { ctx: ServiceContext }): Promise<ProjectMember[]> {
  requireRole(ctx, 'viewer');
  return listProjectMembers(ctx.db, { projectId: ctx.project.id });
}
