/**
 * /api/cron/collect over its real handler: the secret is checked before anything runs, and an authorized call
 * collects every due metric from the embedded warehouse into the app database.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/cron/collect/route';
import type { DbHandle } from '@/db/client';
import { collectionRuns, metricValues } from '@/db/schema';
import { reloadEnv } from '@/lib/env';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
import { createTestProject, openIsolatedTestDb, useAsAppDb } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

const SECRET = 'cron-secret-for-tests-0123456789-ABCDEF';
const saved = { DATA_DIR: process.env.DATA_DIR, CRON_SECRET: process.env.CRON_SECRET };

let handle: DbHandle;
let dataDir: string;
let metricId: string;
let projectId: string;

const call = (handler: typeof GET, authorization?: string) =>
  handler(
    new Request('http://localhost/api/cron/collect', {
      headers: authorization === undefined ? {} : { authorization },
    }),
  );

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-cron-'));
  await mkdir(path.join(dataDir, 'warehouse'));
  const warehouse = await PGlite.create(path.join(dataDir, 'warehouse'));
  await warehouse.exec(`
    create table orders (created_at timestamptz not null, amount numeric not null);
    insert into orders select now() - i * interval '7 minutes', i from generate_series(1, 400) as i;`);
  await warehouse.close();
  process.env.DATA_DIR = dataDir;
  handle = await openIsolatedTestDb();
  useAsAppDb(handle);
  const fixture = await createTestProject(handle.db, 'Cron');
  projectId = fixture.project.id;
  metricId = (await createCountMetric(handle.db, projectId)).metric.id;
}, 60_000);

afterAll(async () => {
  await closeEmbeddedWarehouseClient();
  await handle?.close();
  process.env.DATA_DIR = saved.DATA_DIR;
  process.env.CRON_SECRET = saved.CRON_SECRET;
  reloadEnv();
  await rm(dataDir, { recursive: true, force: true });
});

const runsOfProject = () =>
  handle.db.select().from(collectionRuns).where(eq(collectionRuns.projectId, projectId));

describe('/api/cron/collect', () => {
  it('fails closed when CRON_SECRET is not set', async () => {
    delete process.env.CRON_SECRET;
    reloadEnv();
    for (const header of [undefined, 'Bearer undefined', 'Bearer ']) {
      const response = await call(GET, header);
      expect(response.status).toBe(503);
      expect((await response.json()).error.message).toMatch(/set CRON_SECRET/);
    }
    expect(await runsOfProject()).toHaveLength(0);
  });

  it('refuses a missing, wrong, "Bearer undefined" or lower-case secret with 401, collecting nothing', async () => {
    process.env.CRON_SECRET = SECRET;
    reloadEnv();
    for (const header of [
      undefined,
      `Bearer ${SECRET}-wrong`,
      'Bearer undefined',
      `Bearer ${SECRET.toLowerCase()}`,
      SECRET,
    ]) {
      const response = await call(GET, header);
      expect(response.status, String(header)).toBe(401);
      expect((await response.json()).error.message).toMatch(/Authorization: Bearer/);
    }
    expect(await runsOfProject()).toHaveLength(0);
  });

  it('with the secret, collects the due metrics and reports the run; a second call finds nothing due', async () => {
    process.env.CRON_SECRET = SECRET;
    reloadEnv();
    const response = await call(GET, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    const run = body.runs.find((r: { projectId: string }) => r.projectId === projectId);
    expect(run).toMatchObject({ status: 'completed', metricsAttempted: 1, metricsFailed: 0 });
    const values = await handle.db.select().from(metricValues).where(eq(metricValues.metricId, metricId));
    // 400 orders every 7 minutes span ~46 hours; only complete hours are stored.
    expect(values.length).toBeGreaterThanOrEqual(44);
    expect(values.reduce((sum, v) => sum + (v.value ?? 0), 0)).toBeLessThanOrEqual(400);
    expect(values.reduce((sum, v) => sum + (v.value ?? 0), 0)).toBeGreaterThan(380);

    const again = await (await call(POST, `Bearer ${SECRET}`)).json();
    expect(again.runs.filter((r: { projectId: string }) => r.projectId === projectId)).toHaveLength(0);
    expect(await runsOfProject()).toHaveLength(1);
  });

  it('ten concurrent calls collect each due metric exactly once', async () => {
    process.env.CRON_SECRET = SECRET;
    reloadEnv();
    const fresh = await Promise.all(
      Array.from({ length: 3 }, (_, i) => createCountMetric(handle.db, projectId, `Concurrent ${i}`)),
    );
    const before = await runsOfProject();
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(GET, `Bearer ${SECRET}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const runs = (await runsOfProject()).filter((r) => !before.some((b) => b.id === r.id));
    const collected = runs.flatMap((r) => r.details.filter((d) => d.status === 'ok').map((d) => d.metricId));
    expect(collected.sort()).toEqual(fresh.map((f) => f.metric.id).sort());
  });
});
