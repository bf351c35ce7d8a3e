/**
 * Every mutating service verb, driven once, leaves one audit entry naming the actor, the action and the resource;
 * definition changes carry their before and after. The log holds no secret: the sentinel password, webhook path
 * and signing secret used here appear in no entry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries } from '@/db/schema';
import { sendTest } from '@/lib/alerts/send-test';
import {
  createAlertRule,
  deleteAlertRule,
  snoozeAlertRule,
  unsnoozeAlertRule,
  updateAlertRule,
  type AlertDeps,
} from '@/lib/alerts/service';
import type { Role } from '@/lib/auth/roles';
import { startBackfill, startCollection } from '@/lib/collection/service';
import { reloadEnv } from '@/lib/env';
import { createFactTable, deleteFactTable, updateFactTable } from '@/lib/fact-tables/service';
import { acknowledgeAnomalies, markExpected, unmarkExpected } from '@/lib/inbox/triage';
import {
  createMetric,
  deleteMetric,
  getMetric,
  setMetricsLifecycle,
  updateMetric,
  type MetricDto,
} from '@/lib/metrics/service';
import type { ResolveHost } from '@/lib/net/outbound-guard';
import { acknowledgeAnomaly } from '@/lib/series/service';
import { insertDataSource } from '@/lib/sources/queries';
import {
  createDataSource,
  deleteDataSource,
  testDataSource,
  updateDataSource,
  type DataSourceDeps,
} from '@/lib/sources/service';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { plantAnomaly, SECRET_PATH, SIGNING_SECRET, webhookRuleInput } from '../alerts/fixtures';
import { startReceiver, type Receiver } from '../alerts/receiver';

const PASSWORD = 'Aud1t-S3ntinel-Passw0rd';
const NEW_PASSWORD = 'Aud1t-S3ntinel-Rotated';
const publicDns: ResolveHost = async () => [{ address: '93.184.216.34', family: 4 }];
const sourceDeps: DataSourceDeps = { resolve: publicDns, allowedHosts: '' };
const alertDeps: AlertDeps = {};
const saved = process.env.ALLOWED_OUTBOUND_HOSTS;

let handle: DbHandle;
let fx: TestProjectFixture;
let receiver: Receiver;
let warehouseDir: string;
let client: EmbeddedWarehouseClient;
let embeddedSourceId: string;
const resolve = () => client;

const ctx = (role: Role) => fx.ctx(role);

/** The entries for one resource and action, in this project. */
async function entriesOf(resourceId: string, action: string) {
  return handle.db
    .select()
    .from(auditEntries)
    .where(
      and(
        eq(auditEntries.projectId, fx.project.id),
        eq(auditEntries.resourceId, resourceId),
        eq(auditEntries.action, action),
      ),
    );
}

/** Exactly one entry by this member, for this resource, with before / after present or absent as stated. */
async function expectAudited(
  role: Role,
  { action, type, id }: { action: string; type: string; id: string },
  snapshots: { before: boolean; after: boolean } = { before: false, after: false },
) {
  const entries = await entriesOf(id, action);
  expect(entries, `${action} ${id}`).toHaveLength(1);
  const [entry] = entries;
  expect(entry).toMatchObject({
    actorType: 'user',
    actorId: fx.users[role].id,
    actorLabel: fx.users[role].email,
    action,
    resourceType: type,
    resourceId: id,
  });
  expect('before' in (entry?.metadata ?? {}), `${action} before`).toBe(snapshots.before);
  expect('after' in (entry?.metadata ?? {}), `${action} after`).toBe(snapshots.after);
  return entry!;
}

const BOTH = { before: true, after: true };
const AFTER = { before: false, after: true };
const BEFORE = { before: true, after: false };

beforeAll(async () => {
  process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
  reloadEnv();
  warehouseDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-audit-'));
  const pg = await PGlite.create(warehouseDir);
  await pg.exec(`
    create table orders (id int primary key, created_at timestamptz not null, amount numeric not null,
      status text not null);
    insert into orders select i, now() - i * interval '11 minutes', i, case when i % 4 = 0 then 'refunded' else 'completed' end
      from generate_series(1, 300) as i;`);
  await pg.close();
  client = new EmbeddedWarehouseClient(warehouseDir);
  handle = await openTestDb();
  fx = await createTestProject(handle.db, 'Audit coverage');
  embeddedSourceId = (
    await insertDataSource(handle.db, {
      projectId: fx.project.id,
      name: `Embedded ${uniqueSuffix()}`,
      kind: 'embedded',
      config: {},
    })
  ).id;
  receiver = await startReceiver();
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await client?.close();
  await handle?.close();
  if (warehouseDir) await rm(warehouseDir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.ALLOWED_OUTBOUND_HOSTS;
  else process.env.ALLOWED_OUTBOUND_HOSTS = saved;
  reloadEnv();
});

describe('every mutating verb leaves an audit entry', () => {
  it('data sources: create, update, test and delete', async () => {
    const input = {
      kind: 'postgres',
      name: `Warehouse ${uniqueSuffix()}`,
      host: 'db.example.com',
      port: 5432,
      database: 'analytics',
      user: 'reader',
      password: PASSWORD,
      sslmode: 'require',
    };
    const created = await createDataSource({ ctx: ctx('admin'), input, deps: sourceDeps });
    await expectAudited(
      'admin',
      { action: 'data_source.create', type: 'data_source', id: created.id },
      AFTER,
    );

    await updateDataSource({
      ctx: ctx('admin'),
      input: { id: created.id, ...input, database: 'warehouse', password: NEW_PASSWORD },
      deps: sourceDeps,
    });
    const updated = await expectAudited(
      'admin',
      { action: 'data_source.update', type: 'data_source', id: created.id },
      BOTH,
    );
    expect(updated.metadata).toMatchObject({
      changedSecrets: ['password'],
      before: { config: { database: 'analytics' } },
      after: { config: { database: 'warehouse' } },
    });

    // Nothing listens on 127.0.0.1:1: the test fails fast, and is audited all the same.
    const local = await createDataSource({
      ctx: ctx('admin'),
      input: { ...input, name: `Local ${uniqueSuffix()}`, host: '127.0.0.1', port: 1, sslmode: 'disable' },
      deps: { allowedHosts: '127.0.0.1' },
    });
    const result = await testDataSource({
      ctx: ctx('admin'),
      input: { id: local.id },
      deps: { allowedHosts: '127.0.0.1' },
    });
    expect(result.ok).toBe(false);
    const tested = await expectAudited('admin', {
      action: 'data_source.test',
      type: 'data_source',
      id: local.id,
    });
    expect(tested.metadata).toMatchObject({ ok: false });

    await deleteDataSource({ ctx: ctx('admin'), input: { id: local.id } });
    await expectAudited('admin', { action: 'data_source.delete', type: 'data_source', id: local.id }, BEFORE);
  });

  let factTableId: string;
  let metric: MetricDto;

  it('fact tables: create, update (with a field diff) and delete', async () => {
    const input = {
      name: `Orders ${uniqueSuffix()}`,
      description: 'Every order.',
      dataSourceId: embeddedSourceId,
      sql: 'SELECT id, created_at, amount, status FROM orders',
      timestampColumn: 'created_at',
      identifierColumns: [],
      rowFilters: [{ name: 'completed', expression: "status = 'completed'" }],
    };
    const table = await createFactTable({ ctx: ctx('editor'), input, resolve });
    factTableId = table.id;
    await expectAudited('editor', { action: 'fact_table.create', type: 'fact_table', id: table.id }, AFTER);

    await updateFactTable({
      ctx: ctx('editor'),
      input: {
        id: table.id,
        ...input,
        description: 'Every order, one row each.',
        rowFilters: table.rowFilters.map(({ id, name, expression }) => ({ id, name, expression })),
      },
      resolve,
    });
    const updated = await expectAudited(
      'editor',
      { action: 'fact_table.update', type: 'fact_table', id: table.id },
      BOTH,
    );
    expect(updated.metadata).toMatchObject({
      before: { description: 'Every order.' },
      after: { description: 'Every order, one row each.' },
    });

    const spare = await createFactTable({
      ctx: ctx('editor'),
      input: { ...input, name: `Spare ${uniqueSuffix()}`, rowFilters: [] },
      resolve,
    });
    await deleteFactTable({ ctx: ctx('editor'), input: { id: spare.id } });
    await expectAudited('editor', { action: 'fact_table.delete', type: 'fact_table', id: spare.id }, BEFORE);
  });

  it('metrics: create, update (before and after), lifecycle and delete', async () => {
    const input = {
      name: `Orders ${uniqueSuffix()}`,
      description: 'Orders per hour.',
      interval: 'hour',
      lifecycle: 'active',
      definition: { kind: 'fact', shape: 'single', operand: { factTableId, aggregation: 'count' } },
    };
    metric = await createMetric({ ctx: ctx('editor'), input });
    await expectAudited('editor', { action: 'metric.create', type: 'metric', id: metric.id }, AFTER);

    await updateMetric({
      ctx: ctx('admin'),
      input: {
        metricId: metric.id,
        expectedVersion: metric.version,
        name: metric.name,
        description: 'Completed and refunded orders per hour.',
        ownerId: metric.ownerId,
        tags: ['orders'],
        unit: metric.unit,
        format: metric.format,
        direction: metric.direction,
        interval: metric.interval,
        lifecycle: metric.lifecycle,
        sensitivity: metric.sensitivity,
        definition: metric.definition,
      },
    });
    const updated = await expectAudited(
      'admin',
      { action: 'metric.update', type: 'metric', id: metric.id },
      BOTH,
    );
    expect(updated.metadata).toMatchObject({
      before: { version: 1, description: 'Orders per hour.', tags: [] },
      after: { version: 2, description: 'Completed and refunded orders per hour.', tags: ['orders'] },
    });
    metric = await getMetric({ ctx: ctx('viewer'), input: { metricId: metric.id } });

    const spare = await createMetric({
      ctx: ctx('editor'),
      input: { ...input, name: `Spare ${uniqueSuffix()}` },
    });
    await setMetricsLifecycle({
      ctx: ctx('editor'),
      input: { metricIds: [spare.id], lifecycle: 'archived' },
    });
    const archived = await expectAudited(
      'editor',
      { action: 'metric.archive', type: 'metric', id: spare.id },
      BOTH,
    );
    expect(archived.metadata).toMatchObject({
      before: { lifecycle: 'active' },
      after: { lifecycle: 'archived' },
    });
    await deleteMetric({ ctx: ctx('editor'), input: { metricId: spare.id } });
    await expectAudited('editor', { action: 'metric.delete', type: 'metric', id: spare.id }, BEFORE);
  });

  it('alert rules: create, update, snooze, unsnooze, send test and delete', async () => {
    const url = `${receiver.origin}${SECRET_PATH}`;
    const rule = await createAlertRule({ ctx: ctx('editor'), input: webhookRuleInput(url), deps: alertDeps });
    const resource = { type: 'alert_rule', id: rule.id };
    await expectAudited('editor', { action: 'alert_rule.create', ...resource }, AFTER);

    await updateAlertRule({
      ctx: ctx('editor'),
      input: {
        id: rule.id,
        ...webhookRuleInput(''),
        name: 'Orders watch, renamed',
        channel: { type: 'webhook', url: '', signingSecret: '' },
      },
      deps: alertDeps,
    });
    const updated = await expectAudited('editor', { action: 'alert_rule.update', ...resource }, BOTH);
    expect(updated.metadata).toMatchObject({
      before: { name: 'Orders watch' },
      after: { name: 'Orders watch, renamed' },
    });

    const until = new Date(Date.now() + 3_600_000).toISOString();
    await snoozeAlertRule({ ctx: ctx('editor'), input: { id: rule.id, until } });
    await expectAudited('editor', { action: 'alert_rule.snooze', ...resource }, BOTH);
    await unsnoozeAlertRule({ ctx: ctx('editor'), input: { id: rule.id } });
    await expectAudited('editor', { action: 'alert_rule.unsnooze', ...resource }, BOTH);

    await sendTest({ ctx: ctx('editor'), input: { id: rule.id } });
    await expectAudited('editor', { action: 'alert_rule.test', ...resource });

    await deleteAlertRule({ ctx: ctx('editor'), input: { id: rule.id } });
    await expectAudited('editor', { action: 'alert_rule.delete', ...resource }, BEFORE);
  });

  it('collection: a manual run and a backfill', async () => {
    const run = await startCollection({ ctx: ctx('editor'), input: { metricIds: [metric.id] } });
    await expectAudited('editor', { action: 'collection.run', type: 'collection_run', id: run.id });
    const backfill = await startBackfill({
      ctx: ctx('editor'),
      input: { metricIds: [metric.id], start: '2026-01-01', end: '2026-01-03' },
    });
    const entry = await expectAudited('editor', {
      action: 'collection.backfill',
      type: 'collection_run',
      id: backfill.id,
    });
    expect(entry.metadata).toMatchObject({ metrics: 1, start: '2026-01-01T00:00:00.000Z' });
  });

  it('anomalies: acknowledge (metric page and inbox), mark and unmark as expected', async () => {
    const at = (h: number) => new Date(Date.UTC(2026, 0, 5, h));
    const plant = (h: number) =>
      plantAnomaly(handle.db, { projectId: fx.project.id, metricId: metric.id, at: at(h), value: 500 });
    const [one, two, three] = [await plant(1), await plant(9), await plant(17)];

    await acknowledgeAnomaly({ ctx: ctx('editor'), input: { anomalyId: one.id } });
    await expectAudited('editor', { action: 'anomaly.acknowledge', type: 'anomaly', id: one.id }, BOTH);
    await acknowledgeAnomalies({ ctx: ctx('editor'), input: { anomalyId: two.id } });
    await expectAudited('editor', { action: 'anomaly.acknowledge', type: 'anomaly', id: two.id }, BOTH);
    await markExpected({ ctx: ctx('editor'), input: { anomalyId: three.id, note: 'Planned launch' } });
    const marked = await expectAudited(
      'editor',
      { action: 'anomaly.mark_expected', type: 'anomaly', id: three.id },
      BOTH,
    );
    expect(marked.metadata).toMatchObject({ after: { expectedEvent: true, note: 'Planned launch' } });
    await unmarkExpected({ ctx: ctx('editor'), input: { anomalyId: three.id } });
    await expectAudited('editor', { action: 'anomaly.unmark_expected', type: 'anomaly', id: three.id }, BOTH);
  });

  it('no entry holds a password, a webhook path or a signing secret', async () => {
    const all = await handle.db.select().from(auditEntries).where(eq(auditEntries.projectId, fx.project.id));
    expect(all.length).toBeGreaterThan(20);
    const text = JSON.stringify(all);
    for (const secret of [PASSWORD, NEW_PASSWORD, SECRET_PATH, SIGNING_SECRET, 'SENTINEL']) {
      expect(text, secret).not.toContain(secret);
    }
  });
});
