import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, projects, users } from '@/db/schema';
import type { Role } from '@/lib/auth/roles';

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
