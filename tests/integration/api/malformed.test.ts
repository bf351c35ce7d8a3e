/**
 * Hostile and malformed input (SECURITY A7, B4): wrong types, unknown keys, objects where ids belong, prototype
 * keys, oversized and non-JSON bodies, bad query strings. Each gets a 4xx with field errors and no row is written.
 */
import { and, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  alertRules,
  anomalies,
  auditEntries,
  collectionRuns,
  factTables,
  metrics,
  metricVersions,
  rowFilters,
} from '@/db/schema';
import { ops } from '@/lib/api/operations';
import type { ApiOperation } from '@/lib/api/operations';
import { bearer, callApi, openApiFixture, plantAnomaly, rowCount, type ApiFixture } from './fixture';

vi.mock('next-auth', () => ({ getServerSession: async () => null }));

let f: ApiFixture;
let anomalyId: string;

beforeAll(async () => {
  f = await openApiFixture('Malformed');
  anomalyId = await plantAnomaly(f.handle, f.a.project.id, f.ids.seriesMetric);
}, 120_000);
afterAll(async () => f?.close());

/**
 * Every table a write through the API could touch, counted in the fixture's two projects only: on a shared server
 * database other test files write at the same time.
 */
async function snapshot() {
  const projectIds = [f.a.project.id, f.b.project.id];
  const tables = { metrics, factTables, rowFilters, collectionRuns, alertRules, auditEntries };
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    counts[name] = await rowCount(f.handle, table, inArray(table.projectId, projectIds));
  }
  const ownMetricIds = f.handle.db
    .select({ id: metrics.id })
    .from(metrics)
    .where(inArray(metrics.projectId, projectIds));
  counts.metricVersions = await rowCount(
    f.handle,
    metricVersions,
    inArray(metricVersions.metricId, ownMetricIds),
  );
  counts.acknowledged = await rowCount(
    f.handle,
    anomalies,
    and(inArray(anomalies.projectId, projectIds), isNotNull(anomalies.acknowledgedAt)),
  );
  return counts;
}

const TWO_MB = `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`;

/** Bodies every JSON-taking endpoint must refuse, whatever its schema. */
const HOSTILE_BODIES: [string, string][] = [
  ['an id that is an object (Metabase CVE shape)', '{"id":{"select":1}}'],
  ['a __proto__ key', '{"__proto__":{"role":"admin"},"name":"x"}'],
  ['a nested constructor key', '{"definition":{"constructor":{"prototype":{"x":1}}}}'],
  ['an unknown key', '{"name":"Orders","interval":"hour","isAdmin":true}'],
  ['an array instead of an object', '[1,2,3]'],
  ['a bare string', '"hello"'],
  ['malformed JSON', '{"name":'],
  ['a 2 MB body', TWO_MB],
];

const writeOps: { op: ApiOperation; params: () => Record<string, string> }[] = [
  { op: ops.createMetric, params: () => ({ project: f.a.project.slug }) },
  { op: ops.updateMetric, params: () => ({ project: f.a.project.slug, metricId: f.ids.countMetric }) },
  { op: ops.archiveMetric, params: () => ({ project: f.a.project.slug, metricId: f.ids.countMetric }) },
  { op: ops.createFactTable, params: () => ({ project: f.a.project.slug }) },
  { op: ops.updateFactTable, params: () => ({ project: f.a.project.slug, factTableId: f.ids.factTable }) },
  { op: ops.previewFactTable, params: () => ({ project: f.a.project.slug }) },
  { op: ops.acknowledgeAnomaly, params: () => ({ project: f.a.project.slug, anomalyId }) },
  { op: ops.startRun, params: () => ({ project: f.a.project.slug }) },
  { op: ops.createAlertRule, params: () => ({ project: f.a.project.slug }) },
  { op: ops.updateAlertRule, params: () => ({ project: f.a.project.slug, ruleId: f.ids.rule }) },
];

type ErrorBody = { error: { code: string; message: string; fields: Record<string, string> } };

describe('hostile bodies are refused with field errors, before anything is written', () => {
  for (const { op, params } of writeOps) {
    it(`${op.method} ${op.path}`, async () => {
      const before = await snapshot();
      for (const [label, body] of HOSTILE_BODIES) {
        const response = await callApi(op, { params: params(), body, headers: bearer(f.tokens.editor) });
        const json = (await response.json()) as ErrorBody;
        const expected = body === TWO_MB ? 413 : 400;
        expect(response.status, `${label}: ${JSON.stringify(json)}`).toBe(expected);
        if (expected === 400) expect(Object.keys(json.error.fields).length, label).toBeGreaterThan(0);
      }
      const text = await callApi(op, {
        params: params(),
        body: '{"name":"x"}',
        headers: { ...bearer(f.tokens.editor), 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });
  }
});

describe('field errors name the field', () => {
  it('wrong types and unknown keys in a metric are reported at their paths', async () => {
    const before = await snapshot();
    const response = await callApi(ops.createMetric, {
      params: { project: f.a.project.slug },
      headers: bearer(f.tokens.editor),
      body: {
        name: 42,
        interval: 'fortnight',
        tags: 'not-a-list',
        definition: {
          kind: 'fact',
          shape: 'single',
          operand: { factTableId: { select: 1 }, aggregation: 'count', extra: 1 },
        },
        id: { select: 1 },
      },
    });
    const json = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(json.error.code).toBe('validation');
    expect(json.error.fields).toMatchObject({
      name: expect.any(String),
      interval: expect.any(String),
      tags: expect.any(String),
      id: 'Unknown field.',
    });
    expect(Object.keys(json.error.fields).some((k) => k.startsWith('definition'))).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('a body on an endpoint that takes none, and a backfill with a bad range, are refused', async () => {
    const before = await snapshot();
    const noBody = await callApi(ops.deleteAlertRule, {
      params: { project: f.a.project.slug, ruleId: f.ids.rule },
      headers: bearer(f.tokens.editor),
      body: { reason: 'x' },
    });
    expect(noBody.status).toBe(400);
    const backfill = await callApi(ops.startRun, {
      params: { project: f.a.project.slug },
      headers: bearer(f.tokens.editor),
      body: { kind: 'backfill', from: 'last tuesday', to: '2025-01-01', metricIds: [f.ids.countMetric] },
    });
    const json = (await backfill.json()) as ErrorBody;
    expect(backfill.status).toBe(400);
    expect(Object.keys(json.error.fields)).toEqual(expect.arrayContaining(['from']));
    const unknownKind = await callApi(ops.startRun, {
      params: { project: f.a.project.slug },
      headers: bearer(f.tokens.editor),
      body: { kind: 'delete-everything' },
    });
    expect(unknownKind.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('query strings are strict', () => {
  const seriesParams = () => ({ project: f.a.project.slug, metricId: f.ids.seriesMetric });

  it('refuses unknown, repeated and malformed parameters with field errors', async () => {
    const cases: [Record<string, string> | string, string][] = [
      [{ rnage: '7d' }, 'rnage'],
      [{ range: 'forever' }, 'range'],
      [{ ma: '1' }, 'ma'],
      [{ from: '2026-01-01' }, 'to'],
      [{ format: 'xml' }, 'format'],
      [{ grain: 'day' }, 'grain'],
      ['range=7d&range=30d', 'range'],
      [{ __proto__x: '1' }, '__proto__x'],
    ];
    for (const [query, field] of cases) {
      const options =
        typeof query === 'string'
          ? { params: seriesParams(), headers: bearer(f.tokens.viewer) }
          : { params: seriesParams(), query, headers: bearer(f.tokens.viewer) };
      const response =
        typeof query === 'string'
          ? await callWithRawQuery(query, options.params)
          : await callApi(ops.getMetricSeries, options);
      const json = (await response.json()) as ErrorBody;
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(Object.keys(json.error.fields), JSON.stringify(query)).toContain(field);
    }
  });

  it('refuses query parameters on endpoints that take none', async () => {
    const response = await callApi(ops.getMetric, {
      params: { project: f.a.project.slug, metricId: f.ids.seriesMetric },
      query: { expand: 'all' },
      headers: bearer(f.tokens.viewer),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields).toEqual({ expand: 'Unknown parameter.' });
  });

  it('answers a malformed id in the path with a field error, never a 500', async () => {
    const response = await callApi(ops.getMetric, {
      params: { project: f.a.project.slug, metricId: "1' or '1'='1" },
      headers: bearer(f.tokens.viewer),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields).toHaveProperty('metricId');
  });
});

async function callWithRawQuery(query: string, params: Record<string, string>) {
  const { handlerOf, pathOf, ORIGIN } = await import('./fixture');
  const request = new Request(`${ORIGIN}${pathOf(ops.getMetricSeries, params)}?${query}`, {
    headers: bearer(f.tokens.viewer),
  });
  return (await handlerOf(ops.getMetricSeries))(request, { params: Promise.resolve(params) });
}
