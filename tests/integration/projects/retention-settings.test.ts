/**
 * A project's own retention windows: every member reads what retention applies and where it comes from; only
 * admins change them, field by field, with an audit entry; bad input writes nothing; and the next retention pass
 * deletes by the project's window rather than the instance default.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, collectionRuns, projects } from '@/db/schema';
import type { Role } from '@/lib/auth/roles';
import { reloadEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { applyRetention, retentionSettings } from '@/lib/ops/retention';
import { getProjectRetention, updateProjectRetention } from '@/lib/projects/retention-settings';
import { createTestProject, openIsolatedTestDb, type TestProjectFixture } from '../../helpers/db';

const DAY = 86_400_000;
const UNSET = { runsDays: null, resolvedAnomaliesDays: null, deliveriesDays: null };
const saved = process.env.RETENTION_RUNS_DAYS;

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;

beforeAll(async () => {
  // Retention deletes across every project: this file's own database keeps it away from other files' rows.
  handle = await openIsolatedTestDb();
  process.env.RETENTION_RUNS_DAYS = '45';
  reloadEnv();
  a = await createTestProject(handle.db, 'Retention settings A');
  b = await createTestProject(handle.db, 'Retention settings B');
});

afterAll(async () => {
  if (saved === undefined) delete process.env.RETENTION_RUNS_DAYS;
  else process.env.RETENTION_RUNS_DAYS = saved;
  reloadEnv();
  await handle?.close();
});

const storedRetention = async (projectId: string) =>
  (
    await handle.db.select({ retention: projects.retention }).from(projects).where(eq(projects.id, projectId))
  )[0]?.retention;

const auditOf = (projectId: string) =>
  handle.db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.projectId, projectId), eq(auditEntries.action, 'retention.update')))
    .orderBy(auditEntries.createdAt);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('project retention settings', () => {
  it('shows every member the instance defaults, from the environment, while the project sets none', async () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      expect(await getProjectRetention({ ctx: a.ctx(role) })).toEqual({
        windows: {
          runsDays: { days: 45, source: 'default', defaultDays: 45 },
          resolvedAnomaliesDays: { days: 180, source: 'default', defaultDays: 180 },
          deliveriesDays: { days: 30, source: 'default', defaultDays: 30 },
        },
        overrides: UNSET,
      });
    }
  });

  it('an admin sets one window; the others keep the default, and the change is audited with before and after', async () => {
    const result = await updateProjectRetention({ ctx: a.ctx('admin'), input: { ...UNSET, runsDays: 7 } });
    expect(result.windows.runsDays).toEqual({ days: 7, source: 'project', defaultDays: 45 });
    expect(result.windows.deliveriesDays).toEqual({ days: 30, source: 'default', defaultDays: 30 });
    expect(await storedRetention(a.project.id)).toEqual({ runsDays: 7 });
    // What a viewer then sees on the page.
    expect((await getProjectRetention({ ctx: a.ctx('viewer') })).overrides).toEqual({
      ...UNSET,
      runsDays: 7,
    });

    const entries = await auditOf(a.project.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorType: 'user',
      actorId: a.users.admin.id,
      resourceType: 'project',
      resourceId: a.project.id,
      metadata: {
        before: UNSET,
        after: { ...UNSET, runsDays: 7 },
        defaults: { runsDays: 45, resolvedAnomaliesDays: 180, deliveriesDays: 30 },
      },
    });

    // Saving the same values again is not a change.
    await updateProjectRetention({ ctx: a.ctx('admin'), input: { ...UNSET, runsDays: 7 } });
    expect(await auditOf(a.project.id)).toHaveLength(1);
  });

  it('refuses bad days with an error naming the field, and writes nothing', async () => {
    const before = await storedRetention(a.project.id);
    const auditCount = (await auditOf(a.project.id)).length;
    const cases: [unknown, string][] = [
      [{ ...UNSET, runsDays: 0 }, 'runsDays'],
      [{ ...UNSET, runsDays: 99_999 }, 'runsDays'],
      [{ ...UNSET, deliveriesDays: 7.5 }, 'deliveriesDays'],
      [{ ...UNSET, resolvedAnomaliesDays: '90' }, 'resolvedAnomaliesDays'],
      [{ runsDays: 7, resolvedAnomaliesDays: null }, 'deliveriesDays'],
    ];
    const labels: Record<string, string> = {
      runsDays: 'Collection runs',
      resolvedAnomaliesDays: 'Resolved anomalies',
      deliveriesDays: 'Alert deliveries',
    };
    for (const [input, field] of cases) {
      const error = await refusal(updateProjectRetention({ ctx: a.ctx('admin'), input }));
      expect(error.code).toBe('validation');
      expect(Object.keys(error.fieldErrors ?? {})).toEqual([field]);
      expect(error.fieldErrors?.[field]).toBe(
        `${labels[field]}: enter a whole number of days from 1 to 3650, or leave it empty to use the instance default.`,
      );
    }
    expect(await storedRetention(a.project.id)).toEqual(before);
    expect(await auditOf(a.project.id)).toHaveLength(auditCount);
  });

  it('refuses viewers and editors, and writes nothing', async () => {
    for (const role of ['viewer', 'editor'] as Role[]) {
      const error = await refusal(
        updateProjectRetention({ ctx: a.ctx(role), input: { ...UNSET, runsDays: 1 } }),
      );
      expect(error.code).toBe('forbidden');
      expect(error.message).toContain('admin');
    }
    expect(await storedRetention(a.project.id)).toEqual({ runsDays: 7 });
  });

  it('changes only the project of the context: another project’s id in the input is refused', async () => {
    const error = await refusal(
      updateProjectRetention({
        ctx: a.ctx('admin'),
        input: { ...UNSET, runsDays: 2, projectId: b.project.id },
      }),
    );
    expect(error.code).toBe('validation');
    expect(await storedRetention(b.project.id)).toBeNull();
    expect(await storedRetention(a.project.id)).toEqual({ runsDays: 7 });
    expect((await getProjectRetention({ ctx: b.ctx('admin') })).overrides).toEqual(UNSET);
    expect(await auditOf(b.project.id)).toEqual([]);
  });

  it('the next retention pass deletes by the project’s window, and by the default once it is cleared', async () => {
    const now = new Date();
    const run = async (projectId: string, days: number) => {
      const [row] = await handle.db
        .insert(collectionRuns)
        .values({
          projectId,
          trigger: 'cron',
          status: 'completed',
          createdAt: new Date(now.getTime() - days * DAY),
        })
        .returning({ id: collectionRuns.id });
      return row!.id;
    };
    const aOld = await run(a.project.id, 8);
    const aRecent = await run(a.project.id, 6);
    const bOld = await run(b.project.id, 8);
    const remaining = async (ids: string[]) =>
      (
        await handle.db
          .select({ id: collectionRuns.id })
          .from(collectionRuns)
          .where(inArray(collectionRuns.id, ids))
      )
        .map((r) => r.id)
        .sort();

    const report = await applyRetention(handle.db, { now, settings: retentionSettings() });
    expect(report.collectionRuns).toBe(1);
    // A keeps 7 days of runs; B keeps the instance's 45.
    expect(await remaining([aOld, aRecent, bOld])).toEqual([aRecent, bOld].sort());

    // Back to the instance default: a 50-day-old run of A goes, the 6-day-old one stays.
    await updateProjectRetention({ ctx: a.ctx('admin'), input: UNSET });
    expect(await storedRetention(a.project.id)).toBeNull();
    const aOlder = await run(a.project.id, 50);
    const aYounger = await run(a.project.id, 44);
    await applyRetention(handle.db, { now, settings: retentionSettings() });
    expect(await remaining([aRecent, aOlder, aYounger])).toEqual([aRecent, aYounger].sort());

    const entries = await auditOf(a.project.id);
    expect(entries.at(-1)?.metadata).toMatchObject({ before: { ...UNSET, runsDays: 7 }, after: UNSET });
  });
});
