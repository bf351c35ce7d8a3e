/**
 * One project with data behind every /api/v1 route, API tokens of each kind, and a way to call the real route
 * handlers with a Request and the params promise, as Next does. The session (next-auth's reader) is the one
 * thing test files replace; each file mocks it with `sessionMock` (vi.mock must live in the file itself).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { count, eq, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbHandle } from '@/db/client';
import { anomalies } from '@/db/schema';
import { createAlertRule } from '@/lib/alerts/service';
import { routeFileOf, type ApiOperation } from '@/lib/api/operations';
import { startCollection } from '@/lib/collection/service';
import { reloadEnv } from '@/lib/env';
import { createApiToken, revokeApiToken } from '@/lib/tokens/service';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
import {
  createTestProject,
  openTestDb,
  useAsAppDb as installAsAppDb,
  type TestProjectFixture,
} from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';
import { createSqlMetric, hoursFrom, setWatermark, writeBreakdown, writeValues } from '../../helpers/series';

export const ORIGIN = 'http://localhost';
export const WEBHOOK_URL = 'http://127.0.0.1:9/hooks/api-test';
export const SIGNING_SECRET = 'whsec_api_tests_0123456789_abcdefghij';

export type SessionState = { current: null | { uid: string; sv: number } };

export type ApiFixture = {
  handle: DbHandle;
  a: TestProjectFixture;
  b: TestProjectFixture;
  tokens: { viewer: string; editor: string; revoked: string; other: string };
  ids: {
    seriesMetric: string;
    lifecycleMetric: string;
    countMetric: string;
    factTable: string;
    dataSource: string;
    run: string;
    rule: string;
  };
  close: () => Promise<void>;
};

const saved = {
  DATA_DIR: process.env.DATA_DIR,
  ALLOWED_OUTBOUND_HOSTS: process.env.ALLOWED_OUTBOUND_HOSTS,
  APP_URL: process.env.APP_URL,
  LOG_LEVEL: process.env.LOG_LEVEL,
};

/** Buckets of the planted series: the hour before the watermark and the ones before it. */
export const WATERMARK = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);

export async function openApiFixture(name: string): Promise<ApiFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-api-'));
  await mkdir(path.join(dataDir, 'warehouse'));
  const warehouse = await PGlite.create(path.join(dataDir, 'warehouse'));
  await warehouse.exec(`
    create table orders (created_at timestamptz not null, amount numeric not null, country text not null);
    insert into orders select now() - i * interval '7 minutes', i, case when i % 3 = 0 then 'DE' else 'US' end
      from generate_series(1, 200) as i;`);
  await warehouse.close();
  process.env.DATA_DIR = dataDir;
  process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
  delete process.env.APP_URL;
  // One line per request is the contract, but hundreds of them drown the test output.
  process.env.LOG_LEVEL = 'warn';
  reloadEnv();

  const handle = await openTestDb();
  installAsAppDb(handle);
  const a = await createTestProject(handle.db, `${name} A`);
  const b = await createTestProject(handle.db, `${name} B`);
  const admin = a.ctx('admin');

  const series = await createSqlMetric(handle.db, a.project.id, { interval: 'hour', valueKind: 'count' });
  // Ten days of a daily pattern (enough history for the expected band), with a few buckets missing lately.
  const hours = Array.from({ length: 240 }, (_, i) => i - 240).filter((h) => !(h > -24 && h % 7 === 0));
  await writeValues(
    handle.db,
    series.id,
    hours.map((h) => ({ at: hoursFrom(WATERMARK, h), value: 20 + ((h + 240) % 24) })),
  );
  await writeBreakdown(handle.db, series.id, 'dimension', [
    { at: hoursFrom(WATERMARK, -2), value: 'DE', v: 4 },
    { at: hoursFrom(WATERMARK, -2), value: 'US', v: 6 },
  ]);
  await setWatermark(handle.db, series.id, WATERMARK);
  const lifecycle = await createSqlMetric(handle.db, a.project.id, { interval: 'day', valueKind: 'count' });
  const { source, factTable, metric } = await createCountMetric(handle.db, a.project.id);
  const run = await startCollection({ ctx: admin, input: { metricIds: [metric.id] } });
  const rule = await createAlertRule({
    ctx: admin,
    input: {
      name: `Rule ${name}`,
      scope: { type: 'all' },
      condition: { type: 'anomaly', minSeverity: 'medium', direction: 'both' },
      channel: { type: 'webhook', url: WEBHOOK_URL, signingSecret: SIGNING_SECRET },
    },
  });

  const token = async (fixture: TestProjectFixture, role: 'viewer' | 'editor') =>
    (await createApiToken({ ctx: fixture.ctx('admin'), input: { name: `${role} token`, role } })).secret;
  const revokedToken = await createApiToken({ ctx: admin, input: { name: 'old token', role: 'editor' } });
  await revokeApiToken({ ctx: admin, input: { tokenId: revokedToken.token.id } });

  return {
    handle,
    a,
    b,
    tokens: {
      viewer: await token(a, 'viewer'),
      editor: await token(a, 'editor'),
      revoked: revokedToken.secret,
      other: await token(b, 'editor'),
    },
    ids: {
      seriesMetric: series.id,
      lifecycleMetric: lifecycle.id,
      countMetric: metric.id,
      factTable: factTable.id,
      dataSource: source.id,
      run: run.id,
      rule: rule.id,
    },
    close: async () => {
      await closeEmbeddedWarehouseClient();
      await handle.close();
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      reloadEnv();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The exported handler of an operation's route file, as Next would call it. */
export async function handlerOf(op: ApiOperation): Promise<Handler> {
  const mod = (await import(path.resolve(routeFileOf(op.path)))) as Record<string, Handler | undefined>;
  const handler = mod[op.method];
  if (!handler) throw new Error(`${routeFileOf(op.path)} exports no ${op.method}`);
  return handler;
}

export type CallOptions = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
};

export function pathOf(op: ApiOperation, params: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

export async function callApi(op: ApiOperation, options: CallOptions = {}): Promise<Response> {
  const params = options.params ?? {};
  const url = new URL(`${ORIGIN}${pathOf(op, params)}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.append(key, value);
  const hasBody = options.body !== undefined;
  const request = new Request(url, {
    method: op.method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: hasBody
      ? typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body)
      : undefined,
  });
  return (await handlerOf(op))(request, { params: Promise.resolve(params) });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A fresh active anomaly on the metric, at an hour nobody used yet. */
let anomalyHour = 100;
export async function plantAnomaly(handle: DbHandle, projectId: string, metricId: string): Promise<string> {
  anomalyHour += 1;
  const [row] = await handle.db
    .insert(anomalies)
    .values({
      projectId,
      metricId,
      bucketStart: hoursFrom(WATERMARK, -anomalyHour),
      value: 400,
      expected: 100,
      lower: 80,
      upper: 120,
      score: 0.97,
      severity: 'high',
      direction: 'up',
    })
    .returning({ id: anomalies.id });
  if (!row) throw new Error('no anomaly inserted');
  return row.id;
}

export async function rowCount(handle: DbHandle, table: PgTable, where?: SQL): Promise<number> {
  const [row] = await handle.db.select({ n: count() }).from(table).where(where);
  return Number(row?.n ?? 0);
}

export { eq };
