/**
 * The authorization matrix (SECURITY A1/A3/A6): every /api/v1 operation, called through its real route handler
 * by every kind of caller, answers exactly the status committed in access-matrix.ts; denied calls write nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEntries } from '@/db/schema';
import { createAlertRule } from '@/lib/alerts/service';
import { ops } from '@/lib/api/operations';
import { snapshotApiRequests } from '@/lib/ops/api-requests';
import { ACCESS_MATRIX, ACTORS, type Actor } from './access-matrix';
import {
  bearer,
  callApi,
  eq,
  openApiFixture,
  ORIGIN,
  plantAnomaly,
  rowCount,
  SIGNING_SECRET,
  WEBHOOK_URL,
  type ApiFixture,
  type CallOptions,
} from './fixture';

const session = vi.hoisted(() => ({ current: null as null | { uid: string; sv: number } }));
vi.mock('next-auth', () => ({ getServerSession: async () => session.current }));

let f: ApiFixture;

beforeAll(async () => {
  f = await openApiFixture('Matrix');
}, 120_000);
afterAll(async () => f?.close());

const unique = () => randomBytes(3).toString('hex');
type OpName = keyof typeof ops;

/** Who calls: the Authorization header or the session, and the Origin a browser would send. */
function as(actor: Actor): Record<string, string> {
  const signIn = (userId: string | null) => {
    session.current = userId ? { uid: userId, sv: 1 } : null;
  };
  signIn(null);
  switch (actor) {
    case 'anonymous':
      return {};
    case 'revokedToken':
      return bearer(f.tokens.revoked);
    case 'otherProjectToken':
      return bearer(f.tokens.other);
    case 'viewerToken':
      return bearer(f.tokens.viewer);
    case 'editorToken':
      return bearer(f.tokens.editor);
    case 'sessionOutsider':
      signIn(f.b.users.admin.id);
      return { origin: ORIGIN };
    case 'sessionViewer':
      signIn(f.a.users.viewer.id);
      return { origin: ORIGIN };
    case 'sessionEditor':
      signIn(f.a.users.editor.id);
      return { origin: ORIGIN };
    case 'sessionEditorCrossSite':
      signIn(f.a.users.editor.id);
      return { origin: 'https://evil.example' };
    default: {
      const never: never = actor;
      throw new Error(`unknown actor ${String(never)}`);
    }
  }
}

/** A request each operation can succeed with; writes get fresh resources so every allowed cell can succeed. */
const prepare: Record<OpName, () => Promise<CallOptions>> = {
  openapi: async () => ({}),
  listMetrics: async () => ({ params: { project: f.a.project.slug }, query: { lifecycle: 'active' } }),
  createMetric: async () => ({
    params: { project: f.a.project.slug },
    body: {
      name: `API metric ${unique()}`,
      interval: 'hour',
      definition: {
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: f.ids.factTable, aggregation: 'count' },
      },
    },
  }),
  getMetric: async () => ({ params: { project: f.a.project.slug, metricId: f.ids.seriesMetric } }),
  updateMetric: async () => ({
    params: { project: f.a.project.slug, metricId: f.ids.countMetric },
    body: { description: `Changed through the API ${unique()}` },
  }),
  archiveMetric: async () => ({ params: { project: f.a.project.slug, metricId: f.ids.lifecycleMetric } }),
  activateMetric: async () => ({ params: { project: f.a.project.slug, metricId: f.ids.lifecycleMetric } }),
  getMetricSeries: async () => ({
    params: { project: f.a.project.slug, metricId: f.ids.seriesMetric },
    query: { range: '7d' },
  }),
  getMetricBreakdown: async () => ({ params: { project: f.a.project.slug, metricId: f.ids.seriesMetric } }),
  listFactTables: async () => ({ params: { project: f.a.project.slug } }),
  createFactTable: async () => ({
    params: { project: f.a.project.slug },
    body: {
      name: `orders ${unique()}`,
      dataSourceId: f.ids.dataSource,
      sql: 'SELECT created_at, amount, country FROM orders',
      timestampColumn: 'created_at',
    },
  }),
  previewFactTable: async () => ({
    params: { project: f.a.project.slug },
    body: { dataSourceId: f.ids.dataSource, sql: 'SELECT created_at, amount FROM orders' },
  }),
  getFactTable: async () => ({ params: { project: f.a.project.slug, factTableId: f.ids.factTable } }),
  updateFactTable: async () => ({
    params: { project: f.a.project.slug, factTableId: f.ids.factTable },
    body: { description: `Orders, changed ${unique()}` },
  }),
  listAnomalies: async () => ({ params: { project: f.a.project.slug }, query: { status: 'active' } }),
  acknowledgeAnomaly: async () => ({
    params: {
      project: f.a.project.slug,
      anomalyId: await plantAnomaly(f.handle, f.a.project.id, f.ids.seriesMetric),
    },
  }),
  listRuns: async () => ({ params: { project: f.a.project.slug } }),
  startRun: async () => ({
    params: { project: f.a.project.slug },
    body: { kind: 'collect', metricIds: [f.ids.countMetric] },
  }),
  getRun: async () => ({ params: { project: f.a.project.slug, runId: f.ids.run } }),
  listAlertRules: async () => ({ params: { project: f.a.project.slug } }),
  createAlertRule: async () => ({
    params: { project: f.a.project.slug },
    body: {
      name: `API rule ${unique()}`,
      scope: { type: 'all' },
      condition: { type: 'anomaly', minSeverity: 'high', direction: 'up' },
      channel: { type: 'webhook', url: WEBHOOK_URL, signingSecret: SIGNING_SECRET },
    },
  }),
  getAlertRule: async () => ({ params: { project: f.a.project.slug, ruleId: f.ids.rule } }),
  updateAlertRule: async () => ({
    params: { project: f.a.project.slug, ruleId: f.ids.rule },
    body: { name: `Renamed ${unique()}` },
  }),
  deleteAlertRule: async () => {
    const rule = await createAlertRule({
      ctx: f.a.ctx('admin'),
      input: {
        name: `Doomed ${unique()}`,
        scope: { type: 'all' },
        condition: { type: 'above', threshold: 1 },
        channel: { type: 'slack', url: WEBHOOK_URL },
      },
    });
    return { params: { project: f.a.project.slug, ruleId: rule.id } };
  },
};

const audits = () => rowCount(f.handle, auditEntries, eq(auditEntries.projectId, f.a.project.id));

describe('the /api/v1 authorization matrix', () => {
  it('has a row for every registered operation and a cell for every caller', () => {
    expect(Object.keys(ACCESS_MATRIX).sort()).toEqual(Object.keys(ops).sort());
    for (const row of Object.values(ACCESS_MATRIX))
      expect(Object.keys(row).sort()).toEqual([...ACTORS].sort());
  });

  for (const name of Object.keys(ops) as OpName[]) {
    it(`${ops[name].method} ${ops[name].path}`, async () => {
      const op = ops[name];
      const mismatches: string[] = [];
      for (const actor of ACTORS) {
        const expected = ACCESS_MATRIX[name]?.[actor];
        const options = await prepare[name]();
        const auditsBefore = await audits();
        const response = await callApi(op, { ...options, headers: as(actor) });
        const body = (await response.json()) as { error?: { code: string; message: string; fields: object } };
        if (response.status !== expected) {
          mismatches.push(
            `${actor}: expected ${expected}, got ${response.status} ${JSON.stringify(body).slice(0, 300)}`,
          );
        }
        expect(response.headers.get('x-request-id')).toMatch(/\S/);
        if (response.status >= 400) {
          expect(Object.keys(body)).toEqual(['error']);
          expect(body.error).toMatchObject({
            code: expect.any(String),
            message: expect.any(String),
            fields: {},
          });
          expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+|127\.0\.0\.1|localhost/);
          if (op.method !== 'GET') expect(await audits(), `${actor} wrote an audit entry`).toBe(auditsBefore);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('counted every request under its route pattern, never a concrete path', () => {
    const routes = new Set(snapshotApiRequests().map((r) => r.route));
    for (const op of Object.values(ops)) expect(routes.has(op.path), op.path).toBe(true);
    expect([...routes].some((r) => r.includes(f.a.project.slug))).toBe(false);
  });
});
