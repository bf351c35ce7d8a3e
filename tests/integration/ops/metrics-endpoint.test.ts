/**
 * /api/metrics over its real handler: refused without the operator's token (a forged X-Forwarded-For changes
 * nothing), off when no token is configured, and after a collection on a test project it parses as Prometheus
 * text with the project's real figures: runs, values written, durations, staleness, anomalies, deliveries and
 * API requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/metrics/route';
import type { DbHandle } from '@/db/client';
import { alertDeliveries, alertRules, anomalies } from '@/db/schema';
import { collectProject } from '@/lib/collection/engine';
import type { RunRow } from '@/lib/collection/queries';
import { reloadEnv } from '@/lib/env';
import { recordApiRequest } from '@/lib/ops/api-requests';
import { findProjectBySlug } from '@/lib/projects/queries';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { createTestProject, openTestDb, useAsAppDb, type TestProjectFixture } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';
import { parsePrometheusText, samplesOf, type Family } from './prom-text';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789-abcdef';
const CRON_SECRET = 'cron-secret-for-metrics-tests-0123456789-xyz';
const saved = { METRICS_TOKEN: process.env.METRICS_TOKEN, CRON_SECRET: process.env.CRON_SECRET };

let handle: DbHandle;
let fixture: TestProjectFixture;
let warehouseDir: string;
let client: EmbeddedWarehouseClient;
let collected: { id: string; name: string };
let neverCollected: { id: string; name: string };
let run: RunRow;

function setTokens(tokens: { METRICS_TOKEN?: string; CRON_SECRET?: string }) {
  for (const key of ['METRICS_TOKEN', 'CRON_SECRET'] as const) {
    if (tokens[key] === undefined) delete process.env[key];
    else process.env[key] = tokens[key];
  }
  reloadEnv();
}

const scrape = (headers: Record<string, string> = {}) =>
  GET(new Request('http://localhost/api/metrics', { headers }));

beforeAll(async () => {
  warehouseDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-ops-'));
  const pg = await PGlite.create(warehouseDir);
  await pg.exec(`
    create table orders (created_at timestamptz not null, amount numeric not null);
    insert into orders select now() - i * interval '9 minutes', i from generate_series(1, 300) as i;`);
  await pg.close();
  client = new EmbeddedWarehouseClient(warehouseDir);

  handle = await openTestDb();
  useAsAppDb(handle);
  fixture = await createTestProject(handle.db, 'Ops metrics');
  const projectId = fixture.project.id;
  const first = await createCountMetric(handle.db, projectId, 'Orders "per hour"');
  collected = { id: first.metric.id, name: first.metric.name };
  const second = await createCountMetric(handle.db, projectId, 'Never collected');
  neverCollected = { id: second.metric.id, name: second.metric.name };

  const project = await findProjectBySlug(handle.db, fixture.project.slug);
  if (!project) throw new Error('project missing');
  const report = await collectProject(
    { db: handle.db, openClient: async () => ({ client, release: async () => {} }), detect: false },
    { project, trigger: 'manual', request: { metricIds: [collected.id], force: true } },
  );
  if (!report) throw new Error('nothing collected');
  run = report.run;

  await handle.db.insert(anomalies).values([
    {
      projectId,
      metricId: collected.id,
      bucketStart: new Date('2026-01-01T00:00:00Z'),
      value: 90,
      expected: 10,
      lower: 5,
      upper: 15,
      score: 0.99,
      severity: 'high',
      direction: 'up',
    },
    {
      projectId,
      metricId: collected.id,
      bucketStart: new Date('2026-01-01T01:00:00Z'),
      value: 20,
      expected: 10,
      lower: 5,
      upper: 15,
      score: 0.6,
      severity: 'medium',
      direction: 'up',
      status: 'resolved',
      resolvedAt: new Date(),
    },
  ]);
  const [rule] = await handle.db
    .insert(alertRules)
    .values({ projectId, name: 'Ops rule', channel: 'webhook', targetHost: 'hooks.example.com' })
    .returning();
  if (!rule) throw new Error('rule missing');
  const delivery = (status: 'delivered' | 'failed', n: number) => ({
    projectId,
    ruleId: rule.id,
    metricId: collected.id,
    event: 'firing' as const,
    deliveryKey: `${rule.id}-${status}-${n}`,
    status,
    payload: {},
  });
  await handle.db
    .insert(alertDeliveries)
    .values([delivery('delivered', 1), delivery('delivered', 2), delivery('failed', 3)]);
  recordApiRequest('/api/v1/projects/{project}/metrics', 200);
  recordApiRequest('/api/v1/projects/{project}/metrics', 200);
  recordApiRequest('/api/v1/projects/{project}/metrics', 404);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await handle?.close();
  await rm(warehouseDir, { recursive: true, force: true });
  setTokens(saved);
});

describe('/api/metrics guard', () => {
  it('refuses a missing, wrong, other or forged-loopback request with 401 when METRICS_TOKEN is set', async () => {
    setTokens({ METRICS_TOKEN, CRON_SECRET });
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: `Bearer ${METRICS_TOKEN}x` },
      { authorization: `bearer ${METRICS_TOKEN}` },
      { authorization: METRICS_TOKEN },
      { authorization: `Bearer ${CRON_SECRET}` },
      { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', host: '127.0.0.1' },
    ]) {
      const response = await scrape(headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      const body = await response.json();
      expect(body.error.message).toMatch(/Bearer <METRICS_TOKEN>/);
      expect(JSON.stringify(body)).not.toContain('sightline_');
    }
    const ok = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts CRON_SECRET while no METRICS_TOKEN is set, and is off (503) with neither', async () => {
    setTokens({ CRON_SECRET });
    expect((await scrape({ authorization: `Bearer ${CRON_SECRET}` })).status).toBe(200);
    expect((await scrape({ authorization: 'Bearer undefined' })).status).toBe(401);
    setTokens({});
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Bearer ' },
      { 'x-forwarded-for': '127.0.0.1' },
    ]) {
      const response = await scrape(headers);
      expect(response.status).toBe(503);
      expect((await response.json()).error.message).toMatch(/set METRICS_TOKEN/);
    }
  });

  it('echoes a sane x-request-id and replaces one that is not a plain token', async () => {
    setTokens({ METRICS_TOKEN });
    const kept = await scrape({ authorization: `Bearer ${METRICS_TOKEN}`, 'x-request-id': 'scrape-42.a:b' });
    expect(kept.headers.get('x-request-id')).toBe('scrape-42.a:b');
    const refused = await scrape({ 'x-request-id': 'req-7' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('req-7');
    for (const bad of ['has spaces in it', 'x'.repeat(300), '"quoted"', '{json}']) {
      const response = await scrape({ authorization: `Bearer ${METRICS_TOKEN}`, 'x-request-id': bad });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('/api/metrics figures', () => {
  let families: Map<string, Family>;
  const project = () => fixture.project.slug;

  beforeAll(async () => {
    setTokens({ METRICS_TOKEN });
    const response = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(response.status).toBe(200);
    families = parsePrometheusText(await response.text());
  });

  it('declares every family with help and the right type', () => {
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      sightline_collection_runs: 'gauge',
      sightline_collection_values_written: 'gauge',
      sightline_collection_run_duration_seconds: 'histogram',
      sightline_metric_staleness_seconds: 'gauge',
      sightline_metrics_never_collected: 'gauge',
      sightline_active_anomalies: 'gauge',
      sightline_alert_deliveries: 'gauge',
      sightline_api_requests_total: 'counter',
    });
    for (const family of families.values()) expect(family.help, family.name).not.toBe('');
  });

  it('counts the project’s runs by status and the values they wrote', () => {
    expect(run.status).toBe('completed');
    expect(run.valuesWritten).toBeGreaterThan(40);
    expect(
      samplesOf(families, 'sightline_collection_runs', { project: project(), trigger: 'manual' }),
    ).toEqual([
      {
        name: 'sightline_collection_runs',
        labels: { project: project(), trigger: 'manual', status: 'completed' },
        value: 1,
      },
    ]);
    expect(
      samplesOf(families, 'sightline_collection_values_written', { project: project() }).map((s) => s.value),
    ).toEqual([run.valuesWritten]);
  });

  it('has a duration histogram whose buckets are cumulative and end at the run count', () => {
    const buckets = samplesOf(families, 'sightline_collection_run_duration_seconds_bucket', {
      trigger: 'manual',
    });
    const count = samplesOf(families, 'sightline_collection_run_duration_seconds_count', {
      trigger: 'manual',
    });
    const sum = samplesOf(families, 'sightline_collection_run_duration_seconds_sum', { trigger: 'manual' });
    expect(count[0]?.value).toBeGreaterThanOrEqual(1);
    expect(buckets.at(-1)?.labels.le).toBe('+Inf');
    expect(buckets.at(-1)?.value).toBe(count[0]?.value);
    const values = buckets.map((b) => b.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(sum[0]?.value).toBeGreaterThanOrEqual((run.durationMs ?? 0) / 1000);
  });

  it('reports how stale each active metric is, by project and metric, with the name escaped', () => {
    const [stale] = samplesOf(families, 'sightline_metric_staleness_seconds', {
      project: project(),
      metric_id: collected.id,
    });
    expect(stale?.labels.metric).toBe(collected.name);
    expect(stale?.value).toBeGreaterThanOrEqual(0);
    expect(stale?.value).toBeLessThan(600);
    expect(
      samplesOf(families, 'sightline_metric_staleness_seconds', { metric_id: neverCollected.id }),
    ).toEqual([]);
    expect(samplesOf(families, 'sightline_metrics_never_collected', { project: project() })[0]?.value).toBe(
      1,
    );
  });

  it('counts active anomalies by severity (zero included) and deliveries by outcome', () => {
    const bySeverity = Object.fromEntries(
      samplesOf(families, 'sightline_active_anomalies', { project: project() }).map((s) => [
        s.labels.severity,
        s.value,
      ]),
    );
    expect(bySeverity).toEqual({ low: 0, medium: 0, high: 1 });
    const byOutcome = Object.fromEntries(
      samplesOf(families, 'sightline_alert_deliveries', { project: project(), event: 'firing' }).map((s) => [
        s.labels.outcome,
        s.value,
      ]),
    );
    expect(byOutcome).toEqual({ delivered: 2, failed: 1 });
  });

  it('reports this process’s API requests by route and status', () => {
    const route = '/api/v1/projects/{project}/metrics';
    expect(samplesOf(families, 'sightline_api_requests_total', { route, status: '200' })[0]?.value).toBe(2);
    expect(samplesOf(families, 'sightline_api_requests_total', { route, status: '404' })[0]?.value).toBe(1);
  });
});
