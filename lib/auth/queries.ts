import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, projects, users } from '@/db/schema';

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export async function findUserById(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row ?? null;
}

/** The caller's membership in a project, or null: non-members are told "not found", never "forbidden". */
export async function findMembershipBySlug(db: DbOrTx, { userId, slug }: { userId: string; slug: string }) {
  const [row] = await db
    .select({
      project: { id: projects.id, slug: projects.slug, name: projects.name, timeZone: projects.timeZone },
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(and(eq(memberships.userId, userId), eq(projects.slug, slug)))
    .limit(1);
  return row ?? null;
}

export async function listMembershipsOfUser(db: DbOrTx, userId: string) {
  return db
    .select({ slug: projects.slug, name: projects.name, role: memberships.role })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, userId))
    .orderBy(projects.name);
}
