import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, metrics, users } from '@/db/schema';
import { resolveProjectContext, resolveUser } from '@/lib/auth/resolve';
import { AppError } from '@/lib/errors';
import { listCatalog, setMetricsLifecycle } from '@/lib/metrics/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let metricA: string;
let metricB: string;

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Project A');
  b = await createTestProject(handle.db, 'Project B');
  metricA = (await createCountMetric(handle.db, a.project.id)).metric.id;
  metricB = (await createCountMetric(handle.db, b.project.id)).metric.id;
});
afterAll(async () => handle?.close());

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

const lifecycleOf = async (id: string) =>
  (await handle.db.select({ l: metrics.lifecycle }).from(metrics).where(eq(metrics.id, id)))[0]?.l;
const auditCount = async (projectId: string) =>
  (await handle.db.select().from(auditEntries).where(eq(auditEntries.projectId, projectId))).length;

describe('the project guard', () => {
  it('gives a member their role in the project', async () => {
    const resolved = await resolveProjectContext(handle.db, {
      user: { id: a.users.editor.id, email: a.users.editor.email, name: 'e' },
      projectSlug: a.project.slug,
    });
    expect(resolved.role).toBe('editor');
    expect(resolved.project.id).toBe(a.project.id);
  });

  it("answers 'not found' for a project the user is not a member of, exactly as for a missing one", async () => {
    const user = { id: a.users.admin.id, email: a.users.admin.email, name: 'a' };
    expect(await codeOf(resolveProjectContext(handle.db, { user, projectSlug: b.project.slug }))).toBe(
      'not_found',
    );
    expect(await codeOf(resolveProjectContext(handle.db, { user, projectSlug: 'no-such-project' }))).toBe(
      'not_found',
    );
  });

  it('drops the session of a deactivated user and of an older session version at once', async () => {
    const fixture = await createTestProject(handle.db);
    const id = fixture.users.viewer.id;
    expect(await resolveUser(handle.db, { userId: id, sessionVersion: 1 })).not.toBeNull();
    await handle.db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, id));
    expect(await resolveUser(handle.db, { userId: id, sessionVersion: 1 })).toBeNull();
    expect(await resolveUser(handle.db, { userId: id, sessionVersion: 2 })).not.toBeNull();
    await handle.db.update(users).set({ isActive: false }).where(eq(users.id, id));
    expect(await resolveUser(handle.db, { userId: id, sessionVersion: 2 })).toBeNull();
  });

  it('takes a demotion into account on the next request', async () => {
    const fixture = await createTestProject(handle.db);
    const user = { id: fixture.users.admin.id, email: fixture.users.admin.email, name: 'x' };
    await handle.db.execute(
      sql`update memberships set role = 'viewer' where user_id = ${user.id} and project_id = ${fixture.project.id}`,
    );
    const resolved = await resolveProjectContext(handle.db, { user, projectSlug: fixture.project.slug });
    expect(resolved.role).toBe('viewer');
  });
});

describe('mutations check the role and the project themselves', () => {
  it('refuses a viewer, changes nothing and audits nothing', async () => {
    const before = await auditCount(a.project.id);
    const input = { metricIds: [metricA], lifecycle: 'archived' };
    expect(await codeOf(setMetricsLifecycle({ ctx: a.ctx('viewer'), input }))).toBe('forbidden');
    expect(await lifecycleOf(metricA)).toBe('active');
    expect(await auditCount(a.project.id)).toBe(before);
  });

  it("answers 'not found' for another project's metric and changes neither", async () => {
    const input = { metricIds: [metricA, metricB], lifecycle: 'archived' };
    expect(await codeOf(setMetricsLifecycle({ ctx: a.ctx('editor'), input }))).toBe('not_found');
    expect(await lifecycleOf(metricA)).toBe('active');
    expect(await lifecycleOf(metricB)).toBe('active');
  });

  it('lets an editor archive, and audits it with before and after', async () => {
    const result = await setMetricsLifecycle({
      ctx: a.ctx('editor'),
      input: { metricIds: [metricA], lifecycle: 'archived' },
    });
    expect(result.updated).toBe(1);
    expect(await lifecycleOf(metricA)).toBe('archived');
    const [entry] = await handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, metricA));
    expect(entry).toMatchObject({
      action: 'metric.archive',
      actorType: 'user',
      actorId: a.users.editor.id,
      metadata: { before: { lifecycle: 'active' }, after: { lifecycle: 'archived' } },
    });
  });

  it('rejects malformed input with field errors before touching the database', async () => {
    try {
      await setMetricsLifecycle({
        ctx: a.ctx('editor'),
        input: { metricIds: [{ select: 1 }], lifecycle: 'gone', x: 1 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation');
      expect(Object.keys((error as AppError).fieldErrors ?? {})).toEqual(
        expect.arrayContaining(['metricIds.0', 'lifecycle']),
      );
    }
  });

  it("lists only the caller's project in the catalog", async () => {
    const rows = await listCatalog({ ctx: b.ctx('viewer'), input: {} });
    expect(rows.map((r) => r.id)).toEqual([metricB]);
  });
});
