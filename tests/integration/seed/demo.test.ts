import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import {
  auditEntries,
  factTables,
  memberships,
  metricVersions,
  metrics,
  projects,
  rowFilters,
  users,
} from '@/db/schema';
import { DEMO_METRICS, DEMO_PROJECT, DEMO_USERS } from '@/db/seed/demo-catalog';
import { seedDemo } from '@/db/seed/demo';
import { metricDefinitionSchema } from '@/lib/metrics/schemas';
import { openTestDb } from '../../helpers/db';

let handle: DbHandle;
beforeAll(async () => {
  handle = await openTestDb();
});
afterAll(async () => handle?.close());

/** Row counts of everything the seed owns; scoped, because other test files share a server database. */
async function counts(): Promise<Record<string, number>> {
  const db = handle.db;
  const [project] = await db.select().from(projects).where(eq(projects.slug, DEMO_PROJECT.slug));
  const projectId = project?.id ?? '00000000-0000-0000-0000-000000000000';
  const n = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  const demoEmails = DEMO_USERS.map((u) => u.email);
  return {
    projects: await n(db.select({ n: count() }).from(projects).where(eq(projects.slug, DEMO_PROJECT.slug))),
    users: await n(db.select({ n: count() }).from(users).where(inArray(users.email, demoEmails))),
    memberships: await n(
      db.select({ n: count() }).from(memberships).where(eq(memberships.projectId, projectId)),
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
    audit: await n(db.select({ n: count() }).from(auditEntries).where(eq(auditEntries.projectId, projectId))),
  };
}

describe('the demo seed', () => {
  it('creates the demo project, its members, and a metric of every kind', async () => {
    const first = await seedDemo(handle.db);
    expect(first.created.length).toBeGreaterThan(10);
    const [project] = await handle.db.select().from(projects).where(eq(projects.slug, DEMO_PROJECT.slug));
    expect(project).toBeDefined();
    const rows = await handle.db.select().from(metrics).where(eq(metrics.projectId, project!.id));
    expect(rows).toHaveLength(DEMO_METRICS.length);
    const shapes = new Set(
      rows.map((m) => {
        const d = metricDefinitionSchema.parse(m.definition);
        return d.kind === 'fact' ? `fact/${d.shape}` : d.kind;
      }),
    );
    expect([...shapes].sort()).toEqual(['composition', 'fact/ratio', 'fact/single', 'sql']);
    const roles = await handle.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.projectId, project!.id));
    expect(roles.map((r) => r.role).sort()).toEqual(DEMO_USERS.map((u) => u.role).sort());
  });

  it('running it again duplicates nothing', async () => {
    const before = await counts();
    const second = await seedDemo(handle.db);
    expect(second.created).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
