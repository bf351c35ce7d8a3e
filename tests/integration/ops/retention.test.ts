/**
 * Retention deletes exactly what is older than its setting (a project's own setting winning), never unfinished
 * work, in bounded batches; it runs at most once an hour from the tick, and each project that lost rows gets one
 * audit entry by the system.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import {
  alertDeliveries,
  alertDeliveryAttempts,
  alertRules,
  anomalies,
  auditEntries,
  collectionRuns,
  projects,
  rateLimits,
} from '@/db/schema';
import { reloadEnv } from '@/lib/env';
import {
  applyRetention,
  auditRetention,
  RETENTION_MARKER_KEY,
  runRetentionIfDue,
  type RetentionSettings,
} from '@/lib/ops/retention';
import { createTestProject, openIsolatedTestDb, type TestProjectFixture } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

const NOW = new Date('2026-06-01T12:30:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const SETTINGS: RetentionSettings = {
  runsDays: 30,
  resolvedAnomaliesDays: 180,
  deliveriesDays: 30,
  rateLimitsHours: 24,
};

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
/** Row ids by what should happen to them. */
const expired = { runs: [] as string[], anomalies: [] as string[], deliveries: [] as string[] };
const kept = { runs: [] as string[], anomalies: [] as string[], deliveries: [] as string[] };
let attemptOfExpired: string;

async function seedRuns(
  projectId: string,
  rows: { status: 'pending' | 'running' | 'completed' | 'failed'; days: number; expire: boolean }[],
) {
  for (const row of rows) {
    const [run] = await handle.db
      .insert(collectionRuns)
      .values({ projectId, trigger: 'cron', status: row.status, createdAt: ago(row.days) })
      .returning({ id: collectionRuns.id });
    (row.expire ? expired : kept).runs.push(run!.id);
  }
}

beforeAll(async () => {
  handle = await openIsolatedTestDb();
  a = await createTestProject(handle.db, 'Retention A');
  b = await createTestProject(handle.db, 'Retention B');
  // B keeps its runs for 60 days; its other settings are the defaults.
  await handle.db
    .update(projects)
    .set({ retention: { runsDays: 60 } as never })
    .where(eq(projects.id, b.project.id));

  await seedRuns(a.project.id, [
    { status: 'completed', days: 31, expire: true },
    { status: 'failed', days: 45, expire: true },
    { status: 'completed', days: 90, expire: true },
    { status: 'completed', days: 29, expire: false },
    { status: 'pending', days: 45, expire: false },
    { status: 'running', days: 45, expire: false },
  ]);
  await seedRuns(b.project.id, [
    { status: 'completed', days: 45, expire: false },
    { status: 'completed', days: 61, expire: true },
  ]);

  const { metric } = await createCountMetric(handle.db, a.project.id);
  const anomaly = (bucketDays: number, status: 'active' | 'resolved', resolvedDays: number | null) => ({
    projectId: a.project.id,
    metricId: metric.id,
    bucketStart: ago(bucketDays),
    value: 50,
    expected: 10,
    lower: 5,
    upper: 15,
    score: 0.9,
    severity: 'high' as const,
    direction: 'up' as const,
    status,
    resolvedAt: resolvedDays === null ? null : ago(resolvedDays),
  });
  const insertedAnomalies = await handle.db
    .insert(anomalies)
    .values([
      anomaly(200, 'resolved', 181),
      anomaly(199, 'resolved', 190),
      anomaly(185, 'resolved', 179),
      anomaly(400, 'active', null),
    ])
    .returning({ id: anomalies.id });
  expired.anomalies.push(insertedAnomalies[0]!.id, insertedAnomalies[1]!.id);
  kept.anomalies.push(insertedAnomalies[2]!.id, insertedAnomalies[3]!.id);

  const [rule] = await handle.db
    .insert(alertRules)
    .values({
      projectId: a.project.id,
      name: 'Retention rule',
      channel: 'webhook',
      targetHost: 'hooks.example.com',
    })
    .returning({ id: alertRules.id });
  const delivery = (status: 'pending' | 'delivered' | 'failed', days: number, n: number) => ({
    projectId: a.project.id,
    ruleId: rule!.id,
    event: 'firing' as const,
    deliveryKey: `retention-${n}`,
    status,
    payload: {},
    createdAt: ago(days),
  });
  const insertedDeliveries = await handle.db
    .insert(alertDeliveries)
    .values([
      delivery('delivered', 31, 1),
      delivery('failed', 60, 2),
      delivery('pending', 60, 3),
      delivery('delivered', 29, 4),
    ])
    .returning({ id: alertDeliveries.id });
  expired.deliveries.push(insertedDeliveries[0]!.id, insertedDeliveries[1]!.id);
  kept.deliveries.push(insertedDeliveries[2]!.id, insertedDeliveries[3]!.id);
  const [attempt] = await handle.db
    .insert(alertDeliveryAttempts)
    .values({ deliveryId: insertedDeliveries[0]!.id, attempt: 1, statusCode: 200, durationMs: 12 })
    .returning({ id: alertDeliveryAttempts.id });
  attemptOfExpired = attempt!.id;

  await handle.db.insert(rateLimits).values([
    {
      key: 'sign-in:email:old@example.test',
      windowStart: new Date(NOW.getTime() - 25 * 3_600_000),
      count: 3,
    },
    {
      key: 'sign-in:email:new@example.test',
      windowStart: new Date(NOW.getTime() - 23 * 3_600_000),
      count: 3,
    },
  ]);
});

afterAll(async () => {
  await handle?.close();
  reloadEnv();
});

const idsIn = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id).sort();

describe('retention', () => {
  it('a pass limited to one small batch deletes no more than that and says there is more', async () => {
    const report = await applyRetention(handle.db, {
      now: NOW,
      settings: SETTINGS,
      batchSize: 1,
      maxBatches: 1,
    });
    expect(report).toMatchObject({
      collectionRuns: 1,
      resolvedAnomalies: 1,
      alertDeliveries: 1,
      rateLimits: 1,
    });
    expect(report.more).toBe(true);
  });

  it('deletes only what is older than the setting, never unfinished work, and leaves the rest', async () => {
    const report = await applyRetention(handle.db, {
      now: NOW,
      settings: SETTINGS,
      batchSize: 1,
      maxBatches: 50,
    });
    // The first pass took one of each; this one finishes the job, in batches of one.
    expect(report).toMatchObject({
      collectionRuns: 3,
      resolvedAnomalies: 1,
      alertDeliveries: 1,
      rateLimits: 0,
      more: false,
    });

    const all = [...expired.runs, ...kept.runs];
    expect(
      await idsIn(
        handle.db
          .select({ id: collectionRuns.id })
          .from(collectionRuns)
          .where(inArray(collectionRuns.id, all)),
      ),
    ).toEqual([...kept.runs].sort());
    const allAnomalies = [...expired.anomalies, ...kept.anomalies];
    expect(
      await idsIn(
        handle.db.select({ id: anomalies.id }).from(anomalies).where(inArray(anomalies.id, allAnomalies)),
      ),
    ).toEqual([...kept.anomalies].sort());
    const allDeliveries = [...expired.deliveries, ...kept.deliveries];
    expect(
      await idsIn(
        handle.db
          .select({ id: alertDeliveries.id })
          .from(alertDeliveries)
          .where(inArray(alertDeliveries.id, allDeliveries)),
      ),
    ).toEqual([...kept.deliveries].sort());
    expect(
      await handle.db
        .select()
        .from(alertDeliveryAttempts)
        .where(eq(alertDeliveryAttempts.id, attemptOfExpired)),
    ).toEqual([]);
    expect((await handle.db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key)).toEqual([
      'sign-in:email:new@example.test',
    ]);

    // Nothing left to do: a third pass deletes nothing.
    expect(await applyRetention(handle.db, { now: NOW, settings: SETTINGS })).toMatchObject({
      collectionRuns: 0,
      resolvedAnomalies: 0,
      alertDeliveries: 0,
      rateLimits: 0,
    });
  });

  it('leaves one audit entry per project that lost rows, by system:cron, with the counts', async () => {
    const fresh = await createTestProject(handle.db, 'Retention C');
    const [run] = await handle.db
      .insert(collectionRuns)
      .values({ projectId: fresh.project.id, trigger: 'cron', status: 'completed', createdAt: ago(40) })
      .returning({ id: collectionRuns.id });
    const report = await applyRetention(handle.db, { now: NOW, settings: SETTINGS });
    expect(report.collectionRuns).toBe(1);
    expect(await auditRetention(handle.db, { report, settings: SETTINGS })).toBe(1);
    const entries = await handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.projectId, fresh.project.id), eq(auditEntries.action, 'retention.apply')));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorType: 'system',
      actorId: 'cron',
      actorLabel: 'system:cron',
      resourceType: 'project',
      resourceId: fresh.project.id,
      metadata: { deleted: { collectionRuns: 1, resolvedAnomalies: 0, alertDeliveries: 0 } },
    });
    expect(run).toBeDefined();
  });

  it('runs from the tick at most once an hour, across callers', async () => {
    process.env.RETENTION_RUNS_DAYS = '10';
    reloadEnv();
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    const first = await runRetentionIfDue(handle.db, { now: later });
    expect(first).not.toBeNull();
    // RETENTION_RUNS_DAYS=10 reaches a run the 30-day default kept.
    expect(first?.collectionRuns).toBe(1);
    expect(await runRetentionIfDue(handle.db, { now: new Date(later.getTime() + 60_000) })).toBeNull();
    const markers = await handle.db.select().from(rateLimits).where(eq(rateLimits.key, RETENTION_MARKER_KEY));
    expect(markers).toHaveLength(1);
    expect(await runRetentionIfDue(handle.db, { now: new Date(later.getTime() + 3_600_000) })).not.toBeNull();
    delete process.env.RETENTION_RUNS_DAYS;
  });
});
