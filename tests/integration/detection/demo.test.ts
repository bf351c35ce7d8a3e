/**
 * Detection end to end on the demo: seed the demo warehouse and catalog, collect the whole history through the
 * engine, and check that each planted incident raises an anomaly on the metric that shows it, while the quiet
 * recent stretch raises nothing. Then a repeated run must add no anomaly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { anomalies, metricValues, metrics } from '@/db/schema';
import { DEMO_PROJECT } from '@/db/seed/demo-catalog';
import { seedDemo } from '@/db/seed/demo';
import { DEMO_QUIET_DAYS, demoIncidents, seedDemoWarehouse } from '@/db/seed/demo-warehouse';
import { collectProject, type EngineDeps } from '@/lib/collection/engine';
import { findProjectBySlug } from '@/lib/projects/queries';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { openIsolatedTestDb } from '../../helpers/db';

const ANCHOR = new Date('2026-11-23T00:00:00Z');
/** Noon on the anchor day: the whole history up to the last complete hour is settled. */
const NOW = new Date('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let handle: DbHandle;
let dir: string;
let client: EmbeddedWarehouseClient;
let found: { metric: string; bucket: Date; dimension: string; direction: string; severity: string }[];

const deps = (): EngineDeps => ({
  db: handle.db,
  now: () => NOW,
  openClient: async () => ({ client, release: async () => {} }),
});

async function collectAll() {
  const project = await findProjectBySlug(handle.db, DEMO_PROJECT.slug);
  const ids = (
    await handle.db.select({ id: metrics.id }).from(metrics).where(eq(metrics.projectId, project!.id))
  ).map((m) => m.id);
  return collectProject(deps(), { project: project!, trigger: 'manual', request: { metricIds: ids } });
}

async function readAnomalies() {
  return handle.db
    .select({
      metric: metrics.name,
      bucket: anomalies.bucketStart,
      dimension: anomalies.dimension,
      direction: anomalies.direction,
      severity: anomalies.severity,
    })
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-demo-detect-'));
  const warehouse = await PGlite.create(dir);
  await seedDemoWarehouse((text) => warehouse.exec(text), { anchor: ANCHOR });
  await warehouse.close();
  client = new EmbeddedWarehouseClient(dir);
  handle = await openIsolatedTestDb();
  await seedDemo(handle.db);
  const report = await collectAll();
  expect(report?.run.status).toBe('completed');
  expect(report?.run.metricsFailed).toBe(0);
  expect(report?.run.anomaliesWritten).toBeGreaterThan(0);
  found = (await readAnomalies()).filter((a) => a.dimension === '');
}, 240_000);

afterAll(async () => {
  await client?.close();
  await handle?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const near = (metric: string, from: Date, hours: number, direction?: 'up' | 'down') =>
  found.filter(
    (a) =>
      a.metric === metric &&
      a.bucket.getTime() >= from.getTime() - DAY &&
      a.bucket.getTime() < from.getTime() + hours * HOUR &&
      (direction === undefined || a.direction === direction),
  );

describe('anomalies on the demo', () => {
  const incident = (key: string) => demoIncidents(ANCHOR).find((i) => i.key === key)!;

  it('finds the checkout outage as a drop in orders, during the outage', () => {
    const outage = incident('checkout_outage');
    const hits = near('Orders', outage.startsAt, 6, 'down');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.bucket.getTime() >= outage.startsAt.getTime())).toBe(true);
  });

  it('finds the flash sale as a spike in orders', () => {
    expect(near('Orders', incident('flash_sale_spike').startsAt, 2, 'up').length).toBeGreaterThan(0);
  });

  it('finds the missing sessions as a drop in daily active users', () => {
    expect(near('Daily active users', incident('sessions_gap').startsAt, 24, 'down').length).toBeGreaterThan(
      0,
    );
  });

  it('finds the price increase as a rise in the average order value', () => {
    expect(
      near('Average order value', incident('order_amount_shift').startsAt, 72, 'up').length,
    ).toBeGreaterThan(0);
  });

  it('raises nothing on a whole metric in the quiet recent stretch', () => {
    const quietFrom = ANCHOR.getTime() - DEMO_QUIET_DAYS * DAY;
    expect(found.filter((a) => a.bucket.getTime() >= quietFrom)).toEqual([]);
  });

  it('stores the expected band with the values the first collection wrote, past the warm-up', async () => {
    const since = new Date(ANCHOR.getTime() - 30 * DAY);
    const rows = await handle.db
      .select({
        metric: metrics.name,
        values: sql<number>`count(*)`.mapWith(Number),
        banded: sql<number>`count(${metricValues.expected})`.mapWith(Number),
        ordered: sql<number>`count(*) filter (where ${metricValues.lower} <= ${metricValues.upper})`.mapWith(
          Number,
        ),
      })
      .from(metricValues)
      .innerJoin(metrics, eq(metrics.id, metricValues.metricId))
      .where(sql`${metricValues.bucketStart} >= ${since.toISOString()}::timestamptz`)
      .groupBy(metrics.name);
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows)
      expect({ metric: row.metric, banded: row.banded }).toEqual({ metric: row.metric, banded: row.values });
    expect(rows.reduce((n, r) => n + r.ordered, 0)).toBe(rows.reduce((n, r) => n + r.banded, 0));
  });

  it('adds no anomaly when the same history is collected again', async () => {
    const before = await readAnomalies();
    const report = await collectAll();
    expect(report?.run.anomaliesWritten).toBe(0);
    expect(await readAnomalies()).toHaveLength(before.length);
  });
});
