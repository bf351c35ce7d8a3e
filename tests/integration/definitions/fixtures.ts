/**
 * What the definitions tests share: a small warehouse with the demo's three tables (same columns and types as
 * the demo warehouse, five days of rows), the demo project seeded into the test database, empty projects with
 * the demo's members, and row counts of everything an import could write.
 */
import { count, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  auditEntries,
  alertRules,
  dataSources,
  factTables,
  metricVersions,
  metrics,
  rowFilters,
  users,
} from '@/db/schema';
import { DEMO_USERS } from '@/db/seed/demo-catalog';
import { buildContext, type ServiceContext } from '@/lib/context';
import type { Role } from '@/lib/auth/roles';
import { insertProject, upsertMembership } from '@/lib/projects/queries';
import { uniqueSuffix } from '../../helpers/db';

/** The tick time of the tests: the data covers the five days before it. */
export const NOW = new Date('2026-03-06T00:30:00Z');

export const WAREHOUSE_SETUP = `
create table orders (
  order_id bigint primary key, created_at timestamptz not null, customer_id int not null,
  amount numeric(10,2) not null, status text not null, country text not null, channel text not null
);
insert into orders
select i,
       timestamptz '2026-03-01 00:00:00+00' + ((i * 137) % 7200) * interval '1 minute',
       i % 97,
       ((i * 7) % 500) / 10.0,
       case i % 6 when 0 then 'refunded' when 1 then 'failed' when 2 then 'cancelled' else 'completed' end,
       (array['US','DE','FR','GB','JP'])[i % 5 + 1],
       (array['web','app','partner'])[i % 3 + 1]
from generate_series(1, 3000) as i;
create table sessions (
  session_id bigint primary key, started_at timestamptz not null, user_id int not null, platform text not null,
  app_version text not null, duration_s int not null, converted boolean not null
);
insert into sessions
select i,
       timestamptz '2026-03-01 00:00:00+00' + ((i * 53) % 7200) * interval '1 minute',
       i % 211,
       (array['ios','android','web'])[i % 3 + 1],
       '1.' || (i % 4),
       (i * 13) % 900,
       i % 7 = 0
from generate_series(1, 4000) as i;
create table deployments (
  deployment_id bigint primary key, deployed_at timestamptz not null, service text not null,
  outcome text not null, duration_s int not null
);
insert into deployments
select i,
       timestamptz '2026-03-01 00:00:00+00' + ((i * 311) % 7200) * interval '1 minute',
       (array['api','web','worker'])[i % 3 + 1],
       case when i % 9 = 0 then 'rolled_back' when i % 13 = 0 then 'failed' else 'success' end,
       60 + (i * 17) % 600
from generate_series(1, 300) as i;
`;
export const WAREHOUSE_TEARDOWN = 'drop table if exists orders, sessions, deployments';

export type TestProject = { id: string; slug: string; name: string; timeZone: string };

/** A project with no definitions; the demo's users are its members, with the demo roles. */
export async function createEmptyProject(db: DbOrTx): Promise<TestProject> {
  const suffix = uniqueSuffix();
  const project = await insertProject(db, { slug: `defs-${suffix}`, name: `Definitions ${suffix}` });
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_USERS.map((u) => u.email),
      ),
    );
  for (const user of DEMO_USERS) {
    const row = rows.find((r) => r.email === user.email);
    if (!row) throw new Error(`seed the demo first: no user ${user.email}`);
    await upsertMembership(db, { projectId: project.id, userId: row.id, role: user.role });
  }
  return project;
}

/** A context acting as the demo user with this role, in any project the demo users belong to. */
export async function demoUserContext(db: DbOrTx, project: TestProject, role: Role): Promise<ServiceContext> {
  const demo = DEMO_USERS.find((u) => u.role === role);
  if (!demo) throw new Error(`no demo ${role}`);
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, demo.email));
  if (!user) throw new Error(`seed the demo first: no user ${demo.email}`);
  return buildContext({
    project,
    role,
    db,
    now: () => NOW,
    actor: { type: 'user', userId: user.id, label: demo.email },
  });
}

/** Row counts of everything an import writes, in one project. */
export type ProjectCounts = Record<
  'dataSources' | 'factTables' | 'rowFilters' | 'metrics' | 'versions' | 'alertRules' | 'audit',
  number
>;

export async function projectCounts(db: DbOrTx, projectId: string): Promise<ProjectCounts> {
  const n = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  return {
    dataSources: await n(
      db.select({ n: count() }).from(dataSources).where(eq(dataSources.projectId, projectId)),
    ),
    factTables: await n(
      db.select({ n: count() }).from(factTables).where(eq(factTables.projectId, projectId)),
    ),
    rowFilters: await n(
      db.select({ n: count() }).from(rowFilters).where(eq(rowFilters.projectId, projectId)),
    ),
    metrics: await n(db.select({ n: count() }).from(metrics).where(eq(metrics.projectId, projectId))),
    versions: await n(
      db
        .select({ n: count() })
        .from(metricVersions)
        .innerJoin(metrics, eq(metrics.id, metricVersions.metricId))
        .where(eq(metrics.projectId, projectId)),
    ),
    alertRules: await n(
      db.select({ n: count() }).from(alertRules).where(eq(alertRules.projectId, projectId)),
    ),
    audit: await n(db.select({ n: count() }).from(auditEntries).where(eq(auditEntries.projectId, projectId))),
  };
}

export async function auditActions(db: DbOrTx, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ action: auditEntries.action })
    .from(auditEntries)
    .where(eq(auditEntries.projectId, projectId));
  return rows.map((r) => r.action).sort();
}
