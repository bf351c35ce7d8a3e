import { getDb } from '@/db/client';
import { listMembershipsOfUser } from '@/lib/auth/queries';
import type { SessionUser } from '@/lib/auth/resolve';
import type { Role } from '@/lib/auth/roles';

export type ProjectSummary = { slug: string; name: string; role: Role };

/** The projects the signed-in user is a member of, for the project switcher and the landing redirect. */
export async function listMyProjects(user: SessionUser): Promise<ProjectSummary[]> {
  const { db } = await getDb();
  return listMembershipsOfUser(db, user.id);
}
