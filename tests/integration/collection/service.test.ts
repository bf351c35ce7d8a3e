/**
 * Collection verbs for people: who may start runs, what a backfill accepts, that it rebuilds exactly the asked
 * buckets, and that "Preview series" computes what collection stores.
 */
import { and, eq, gte, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, collectionRuns, metrics, metricValues } from '@/db/schema';
import { collectProject, executePendingRun, type EngineDeps } from '@/lib/collection/engine';
import { previewMetricSeries, startBackfill, startCollection } from '@/lib/collection/service';
import { findProjectBySlug } from '@/lib/projects/queries';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { AppError } from '@/lib/errors';
import { expectFailure } from '../../helpers/expect';
import { createCountMetric } from '../../helpers/factories';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';

const SETUP = `
create table orders (created_at timestamptz not null, amount numeric not null);
insert into orders
select timestamptz '2026-02-01 00:00:00+00' + i * interval '6 minutes', (i % 50) + 1
from generate_series(0, 3 * 24 * 10 - 1) as i;`;

const NOW = new Date('2026-02-04T00:20:00Z');
async function failsWith(promise: Promise<unknown>, code: AppError['code']): Promise<AppError> {
  const error = await expectFailure(promise, AppError);
  expect(error.code).toBe(code);
  return error;
}

const [embedded] = warehouseTargets({ setupSql: SETUP, teardownSql: 'drop table if exists orders' });

let handle: DbHandle;
let warehouse: OpenedTarget;
let fixture: TestProjectFixture;
let metricId: string;
let factTableId: string;

const deps = (): EngineDeps => ({
  db: handle.db,
  now: () => NOW,
  openClient: async () => ({ client: warehouse.client, release: async () => {} }),
});
const ctx = (role: 'viewer' | 'editor') => ({ ...fixture.ctx(role), now: () => NOW });

const values = async (from: string, to: string) => {
  const rows = await handle.db
    .select()
    .from(metricValues)
    .where(
      and(
        eq(metricValues.metricId, metricId),
        gte(metricValues.bucketStart, new Date(from)),
        lt(metricValues.bucketStart, new Date(to)),
      ),
    );
  return rows.map((r) => r.value);
};

beforeAll(async () => {
  handle = await openTestDb();
  warehouse = await embedded!.open();
  fixture = await createTestProject(handle.db, 'Collection service');
  const created = await createCountMetric(handle.db, fixture.project.id);
  metricId = created.metric.id;
  factTableId = created.factTable.id;
  const project = await findProjectBySlug(handle.db, fixture.project.slug);
  await collectProject(deps(), { project: project!, trigger: 'manual', request: { metricIds: [metricId] } });
}, 60_000);

afterAll(async () => {
  await warehouse?.cleanup();
  await handle?.close();
});

describe('starting runs', () => {
  it('refuses viewers, writing no run and no audit entry', async () => {
    const runsBefore = await handle.db
      .select()
      .from(collectionRuns)
      .where(eq(collectionRuns.projectId, fixture.project.id));
    await failsWith(startCollection({ ctx: ctx('viewer'), input: {} }), 'forbidden');
    await failsWith(
      startBackfill({
        ctx: ctx('viewer'),
        input: { metricIds: [metricId], start: '2026-02-01T00:00:00Z', end: '2026-02-02T00:00:00Z' },
      }),
      'forbidden',
    );
    const runsAfter = await handle.db
      .select()
      .from(collectionRuns)
      .where(eq(collectionRuns.projectId, fixture.project.id));
    expect(runsAfter).toHaveLength(runsBefore.length);
    const audits = await handle.db
      .select()
      .from(auditEntries)
      .where(
        and(
          eq(auditEntries.projectId, fixture.project.id),
          eq(auditEntries.actorId, fixture.users.viewer.id),
        ),
      );
    expect(audits).toHaveLength(0);
  });

  it('names the field of a bad backfill: reversed range, future start, unknown or foreign metric', async () => {
    const editor = ctx('editor');
    const reversed = await failsWith(
      startBackfill({
        ctx: editor,
        input: { metricIds: [metricId], start: '2026-02-03', end: '2026-02-01' },
      }),
      'validation',
    );
    expect(reversed.fieldErrors?.end).toMatch(/after From/);
    const future = await failsWith(
      startBackfill({
        ctx: editor,
        input: { metricIds: [metricId], start: '2027-01-01', end: '2027-02-01' },
      }),
      'validation',
    );
    expect(future.fieldErrors?.start).toMatch(/past/);
    const other = await createTestProject(handle.db, 'Other');
    const foreign = (await createCountMetric(handle.db, other.project.id)).metric.id;
    const unknown = await failsWith(
      startBackfill({ ctx: editor, input: { metricIds: [foreign], start: '2026-02-01', end: '2026-02-02' } }),
      'validation',
    );
    expect(unknown.fieldErrors?.metricIds).toMatch(/not found in this project/);
    const garbage = await failsWith(
      startBackfill({ ctx: editor, input: { metricIds: [metricId], start: 'yesterday', end: '2026-02-02' } }),
      'validation',
    );
    expect(garbage.fieldErrors?.start).toMatch(/From/);
  });

  it('refuses archived metrics with their names', async () => {
    const archived = await createCountMetric(handle.db, fixture.project.id, `Archived ${Date.now()}`);
    await handle.db.update(metrics).set({ lifecycle: 'archived' }).where(eq(metrics.id, archived.metric.id));
    const error = await failsWith(
      startCollection({ ctx: ctx('editor'), input: { metricIds: [archived.metric.id] } }),
      'validation',
    );
    expect(error.message).toMatch(/Archived metrics are not collected: Archived/);
  });
});

describe('backfill', () => {
  it('rebuilds exactly the buckets starting in the range and leaves the watermark alone', async () => {
    const [before] = await handle.db.select().from(metrics).where(eq(metrics.id, metricId));
    await handle.db.update(metricValues).set({ value: -1 }).where(eq(metricValues.metricId, metricId));
    const run = await startBackfill({
      ctx: ctx('editor'),
      input: { metricIds: [metricId], start: '2026-02-02T00:00:00Z', end: '2026-02-02T12:00:00Z' },
    });
    expect(run.status).toBe('pending');
    const report = await executePendingRun(deps(), { runId: run.id });
    expect(report?.run).toMatchObject({ status: 'completed', trigger: 'backfill', metricsFailed: 0 });
    expect(await values('2026-02-02T00:00:00Z', '2026-02-02T12:00:00Z')).toEqual(Array(12).fill(10));
    expect(new Set(await values('2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z'))).toEqual(new Set([-1]));
    expect(new Set(await values('2026-02-02T12:00:00Z', '2026-02-04T00:00:00Z'))).toEqual(new Set([-1]));
    const [after] = await handle.db.select().from(metrics).where(eq(metrics.id, metricId));
    expect(after?.watermark).toEqual(before?.watermark);
    const [audit] = await handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.resourceId, run.id), eq(auditEntries.action, 'collection.backfill')));
    expect(audit?.actorId).toBe(fixture.users.editor.id);
  });
});

describe('preview series', () => {
  const input = (operand: Record<string, unknown>) => ({
    name: 'Preview',
    interval: 'hour',
    definition: { kind: 'fact', shape: 'single', operand: { factTableId, ...operand } },
  });
  const openClient = async () => ({ client: warehouse.client, release: async () => {} });

  it('computes the latest settled buckets like collection does, writing nothing', async () => {
    const preview = await previewMetricSeries({
      ctx: ctx('editor'),
      input: input({ aggregation: 'sum', column: 'amount' }),
      openClient,
    });
    expect(preview.windowEnd).toBe('2026-02-04T00:00:00.000Z');
    expect(preview.points).toHaveLength(24);
    // Each hour holds 10 orders; amounts cycle through 1..50, so every hour sums to the same 10-value window.
    const { rows } = await warehouse.client.runSelect(
      `select date_trunc('hour', created_at) as bucket, sum(amount) as value from orders
       where created_at >= '2026-02-03T23:00:00Z' group by 1`,
      [],
      { timeoutMs: 5_000, maxRows: 10 },
    );
    expect(preview.points.at(-1)?.value).toBe(Number(rows[0]?.value));
  });

  it('answers a column that does not suit the aggregation with its field path, and refuses viewers', async () => {
    const error = await failsWith(
      previewMetricSeries({
        ctx: ctx('editor'),
        input: input({ aggregation: 'sum', column: 'created_at' }),
        openClient,
      }),
      'validation',
    );
    expect(Object.keys(error.fieldErrors ?? {})).toContain('definition.operand.column');
    await failsWith(
      previewMetricSeries({
        ctx: ctx('viewer'),
        input: input({ aggregation: 'count', column: null }),
        openClient,
      }),
      'forbidden',
    );
  });
});
