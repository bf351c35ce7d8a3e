/**
 * Work nobody clicked is audited too: a scheduled tick leaves one `collection.tick` entry per run that did work
 * (none for an idle tick), and `npm run collect` one `collection.run` / `collection.backfill` entry per run, each
 * by the system actor of its job, never one per metric.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, collectionRuns } from '@/db/schema';
import { collectLocally } from '@/lib/collection/local';
import { runScheduledCollection } from '@/lib/collection/scheduled';
import { reloadEnv } from '@/lib/env';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
import { createTestProject, openIsolatedTestDb, useAsAppDb, type TestProjectFixture } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

const savedDataDir = process.env.DATA_DIR;
let handle: DbHandle;
let dataDir: string;
let fx: TestProjectFixture;

const entries = (action: string) =>
  handle.db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.projectId, fx.project.id), eq(auditEntries.action, action)));

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-system-audit-'));
  await mkdir(path.join(dataDir, 'warehouse'));
  const warehouse = await PGlite.create(path.join(dataDir, 'warehouse'));
  await warehouse.exec(`
    create table orders (created_at timestamptz not null, amount numeric not null);
    insert into orders select now() - i * interval '7 minutes', i from generate_series(1, 400) as i;`);
  await warehouse.close();
  process.env.DATA_DIR = dataDir;
  reloadEnv();
  handle = await openIsolatedTestDb();
  useAsAppDb(handle);
  fx = await createTestProject(handle.db, 'System audit');
  await createCountMetric(handle.db, fx.project.id, 'Orders A');
  await createCountMetric(handle.db, fx.project.id, 'Orders B');
}, 120_000);

afterAll(async () => {
  await closeEmbeddedWarehouseClient();
  await handle?.close();
  process.env.DATA_DIR = savedDataDir;
  reloadEnv();
  await rm(dataDir, { recursive: true, force: true });
});

describe('audit entries of system work', () => {
  it('a scheduled tick that collected leaves one entry per run by system:cron; an idle tick leaves none', async () => {
    const summary = await runScheduledCollection({ trigger: 'timer' });
    const [run] = summary.runs.filter((r) => r.projectId === fx.project.id);
    expect(run).toMatchObject({ status: 'completed', metricsAttempted: 2 });
    // Retention ran on this first tick of the hour, found nothing old, and so audited nothing.
    expect(summary.retention).toMatchObject({ collectionRuns: 0, resolvedAnomalies: 0, alertDeliveries: 0 });
    expect(await entries('retention.apply')).toEqual([]);

    const ticks = await entries('collection.tick');
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toMatchObject({
      actorType: 'system',
      actorId: 'cron',
      actorLabel: 'system:cron',
      resourceType: 'collection_run',
      resourceId: run?.id,
      metadata: {
        trigger: 'cron',
        status: 'completed',
        metricsAttempted: 2,
        valuesWritten: run?.valuesWritten,
      },
    });

    const idle = await runScheduledCollection({ trigger: 'timer' });
    expect(idle.runs.filter((r) => r.projectId === fx.project.id)).toHaveLength(0);
    expect(await entries('collection.tick')).toHaveLength(1);
  });

  it('npm run collect leaves one entry per run by system:cli, for a forced run and a backfill', async () => {
    const lines: string[] = [];
    const forced = await collectLocally({ db: handle.db }, { project: fx.project.slug, force: true }, (l) =>
      lines.push(l),
    );
    expect(forced.failed).toBe(0);
    const runId = forced.reports[0]?.run.id;
    const runs = await entries('collection.run');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      actorType: 'system',
      actorId: 'cli',
      actorLabel: 'system:cli',
      resourceType: 'collection_run',
      resourceId: runId,
      metadata: { trigger: 'manual', metricsAttempted: 2 },
    });

    const to = new Date();
    const from = new Date(to.getTime() - 6 * 3_600_000);
    const backfill = await collectLocally(
      { db: handle.db },
      { project: fx.project.slug, backfill: { from, to } },
      (l) => lines.push(l),
    );
    const backfills = await entries('collection.backfill');
    expect(backfills).toHaveLength(1);
    expect(backfills[0]).toMatchObject({
      actorId: 'cli',
      resourceId: backfill.reports[0]?.run.id,
      metadata: { trigger: 'backfill', start: from.toISOString(), end: to.toISOString() },
    });

    // One entry per run, however many metrics it collected.
    const allRuns = await handle.db
      .select()
      .from(collectionRuns)
      .where(eq(collectionRuns.projectId, fx.project.id));
    const audited = await handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.projectId, fx.project.id), eq(auditEntries.actorType, 'system')));
    expect(audited).toHaveLength(allRuns.length);
  });
});
