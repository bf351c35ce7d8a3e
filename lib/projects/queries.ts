import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, projects, users } from '@/db/schema';
import type { Role } from '@/lib/auth/roles';
import { notFound } from '@/lib/errors';
import type { StoredRetention } from './effective-retention';

export async function findProjectBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(projects).where(eq(projects.slug, slug)).limit(1);
  return row ?? null;
}

export async function insertProject(db: DbOrTx, values: { slug: string; name: string; timeZone?: string }) {
  const [row] = await db.insert(projects).values(values).returning();
  if (!row) throw new Error('insert into projects returned no row');
  return row;
}

export async function upsertUser(
  db: DbOrTx,
  values: { email: string; name: string; passwordHash: string | null },
): Promise<{ id: string }> {
  const email = values.email.trim().toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) return existing;
  const [row] = await db
    .insert(users)
    .values({ ...values, email })
    .returning({ id: users.id });
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function upsertMembership(
  db: DbOrTx,
  values: { projectId: string; userId: string; role: Role },
): Promise<void> {
  await db
    .insert(memberships)
    .values(values)
    .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role: values.role } });
}

/** The active members of a project with their role, by name: the owner picker and the members page. */
export async function listProjectMembers(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, projectId), eq(users.isActive, true)))
    .orderBy(asc(users.name), asc(users.email));
}

/** The project's stored retention (raw jsonb, read through effective-retention), locked for an update if asked. */
export async function getProjectRetentionRow(
  db: DbOrTx,
  { projectId, lock = false }: { projectId: string; lock?: boolean },
): Promise<{ retention: unknown }> {
  const query = db
    .select({ retention: projects.retention })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Project');
  return row;
}

export async function setProjectRetention(
  db: DbOrTx,
  { projectId, retention }: { projectId: string; retention: StoredRetention },
): Promise<void> {
  await db.update(projects).set({ retention }).where(eq(projects.id, projectId));
}
