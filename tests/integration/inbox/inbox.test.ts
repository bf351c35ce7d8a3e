/**
 * The inbox's read verbs on a real database: filters, incidents grouped across metrics that share a fact table
 * (and never across unrelated ones), pages that end between incidents, one anomaly with its incident and alert
 * deliveries, and tenancy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { alertDeliveries, alertRules } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { Incident } from '@/lib/inbox/schemas';
import { getAnomalyDetail, listInbox } from '@/lib/inbox/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { createSqlMetric } from '../../helpers/series';
import { createInboxCatalog, DAY, HOUR, plant } from './fixtures';

const D1 = new Date('2026-03-12T00:00:00Z');
const D0 = new Date(D1.getTime() - 5 * DAY);
const NOW = new Date('2026-03-20T12:00:00Z');
const at = (day: Date, hour: number) => new Date(day.getTime() + hour * HOUR);

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let catalog: Awaited<ReturnType<typeof createInboxCatalog>>;
const ids: Record<string, string> = {};

const viewer = (fixture = a) => ({ ...fixture.ctx('viewer'), now: () => NOW });
const list = (input: Record<string, unknown> = {}, fixture = a) => listInbox({ ctx: viewer(fixture), input });
const names = (incident: Incident) =>
  incident.metrics.map((m) => m.name.split(' ').slice(0, -1).join(' ')).sort();
const incidentWith = (incidents: Incident[], anomalyId: string) =>
  incidents.find((i) => i.anomalies.some((x) => x.id === anomalyId));

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Inbox A');
  b = await createTestProject(handle.db, 'Inbox B');
  catalog = await createInboxCatalog(handle.db, a.project.id);
  const c = catalog;
  const p = { projectId: a.project.id };
  const put = async (key: string, values: Omit<Parameters<typeof plant>[1], 'projectId'>) => {
    ids[key] = (await plant(handle.db, { ...p, ...values })).id;
  };
  // The outage on D1: orders drop for three hours; every metric reading orders moves with them.
  for (const h of [9, 10, 11]) {
    await put(`orders-${h}`, {
      metricId: c.ordersMetric.id,
      at: at(D1, h),
      severity: 'high',
      explanation: [
        { dimension: 'country', value: 'DE', contribution: 0.62 },
        { dimension: 'country', value: 'US', contribution: 0.3 },
      ],
    });
  }
  await put('revenue', { metricId: c.revenue.id, at: D1 });
  await put('per-user', { metricId: c.perUser.id, at: D1 });
  await put('conversion', { metricId: c.conversion.id, at: at(D1, 10), direction: 'up' });
  // The same day, unrelated: another fact table, a `sql` metric, and sessions hours after the ratio moved.
  await put('deploys', { metricId: c.deploys.id, at: D1, direction: 'up', severity: 'high' });
  await put('dau', { metricId: c.dau.id, at: D1 });
  await put('sessions', { metricId: c.sessionsMetric.id, at: at(D1, 15), status: 'resolved' });
  // A breakdown value during the outage, and an older, resolved and acknowledged incident.
  await put('orders-de', {
    metricId: c.ordersMetric.id,
    at: at(D1, 10),
    dimension: 'country',
    dimensionValue: 'DE',
    severity: 'high',
  });
  await put('old', {
    metricId: c.ordersMetric.id,
    at: at(D0, 14),
    status: 'resolved',
    acknowledgedBy: a.users.editor.id,
  });

  const [rule] = await handle.db
    .insert(alertRules)
    .values({
      projectId: a.project.id,
      name: 'Orders watch',
      channel: 'webhook',
      targetHost: 'hooks.example.com',
    })
    .returning();
  await handle.db.insert(alertDeliveries).values([
    {
      projectId: a.project.id,
      ruleId: rule!.id,
      metricId: c.ordersMetric.id,
      anomalyId: ids['orders-9'],
      event: 'firing',
      deliveryKey: `msg_inbox_${ids['orders-9']}`,
      status: 'delivered',
      attempts: 1,
      payload: { data: { metrics: [{ id: c.ordersMetric.id, anomaly: { id: ids['orders-9'] } }] } },
      createdAt: at(D1, 10),
      deliveredAt: at(D1, 10),
    },
    {
      projectId: a.project.id,
      ruleId: rule!.id,
      metricId: c.ordersMetric.id,
      event: 'resolved',
      deliveryKey: `msg_inbox_resolved_${ids['orders-9']}`,
      status: 'failed',
      attempts: 8,
      payload: { data: { metrics: [{ id: c.ordersMetric.id, anomaly: null }] } },
      createdAt: at(D1, 13),
    },
  ]);

  const foreign = await createSqlMetric(handle.db, b.project.id, { interval: 'hour', valueKind: 'count' });
  ids.foreign = (
    await plant(handle.db, { projectId: b.project.id, metricId: foreign.id, at: at(D1, 10) })
  ).id;
});

afterAll(async () => handle?.close());

describe('listInbox grouping', () => {
  it('groups metrics that share a fact table and overlap in time into one incident, newest first', async () => {
    const page = await list();
    const outage = incidentWith(page.incidents, ids['orders-10']!);
    expect(outage).toBeDefined();
    // Orders, the ratio reading orders and sessions, the daily revenue and the composition over revenue.
    expect(names(outage!)).toEqual(['Orders', 'Orders per session', 'Revenue', 'Revenue per user']);
    expect(outage!.anomalies.map((x) => x.id)[0]).toBe(ids['orders-11']);
    expect(outage).toMatchObject({
      severity: 'high',
      direction: 'mixed',
      status: 'active',
      acknowledged: 0,
      start: D1.toISOString(),
      end: new Date(D1.getTime() + DAY).toISOString(),
    });
    expect(outage!.anomalies.find((x) => x.id === ids['orders-10'])?.explanation[0]).toEqual({
      dimension: 'country',
      value: 'DE',
      contribution: 0.62,
    });
  });

  it('keeps unrelated metrics apart even on the same day', async () => {
    const page = await list();
    for (const key of ['deploys', 'dau', 'sessions', 'old']) {
      expect(incidentWith(page.incidents, ids[key]!)?.anomalies).toHaveLength(1);
    }
    expect(page.incidents).toHaveLength(5);
    expect(page.anomalyCount).toBe(10);
    expect(page.nextBefore).toBeNull();
    // Newest first: the sessions hour (15:00) starts after the last outage hour (11:00).
    expect(page.incidents[0]?.anomalies[0]?.id).toBe(ids.sessions);
  });

  it('never shows another project its anomalies', async () => {
    const mine = (await list({}, b)).incidents.flatMap((i) => i.anomalies.map((x) => x.id));
    expect(mine).toEqual([ids.foreign]);
  });
});

describe('listInbox filters', () => {
  const shown = async (input: Record<string, unknown>) =>
    (await list(input)).incidents.flatMap((i) => i.anomalies.map((x) => x.id)).sort();

  it('shows only the whole metric by default, breakdown values on request, or both', async () => {
    expect(await shown({})).not.toContain(ids['orders-de']);
    expect(await shown({ scope: 'breakdowns' })).toEqual([ids['orders-de']]);
    const all = await list({ scope: 'all' });
    expect(all.anomalyCount).toBe(11);
    expect(incidentWith(all.incidents, ids['orders-de']!)?.anomalies).toHaveLength(1);
  });

  it('filters by status, least severity, metric and tag', async () => {
    expect(await shown({ status: 'resolved' })).toEqual([ids.old, ids.sessions].sort());
    expect(await shown({ status: 'active', severity: 'high' })).toEqual(
      [ids['orders-9'], ids['orders-10'], ids['orders-11'], ids.deploys].sort(),
    );
    expect(await shown({ metric: catalog.revenue.id })).toEqual([ids.revenue]);
    expect(await shown({ tag: 'engineering' })).toEqual([ids.deploys]);
    expect(await shown({ tag: 'sales', status: 'active' })).toEqual(
      [ids['orders-9'], ids['orders-10'], ids['orders-11'], ids.revenue].sort(),
    );
  });

  it('reads only buckets before the cursor', async () => {
    expect(await shown({ before: D1.toISOString() })).toEqual([ids.old]);
  });

  it('refuses a malformed query with a validation error', async () => {
    const error = await expectFailure(list({ status: 'open' }), AppError);
    expect(error.code).toBe('validation');
  });
});

describe('listInbox pages', () => {
  it('pages with a keyset cursor and ends a page between incidents', async () => {
    const c = await createTestProject(handle.db, 'Inbox paging');
    const metric = await createSqlMetric(handle.db, c.project.id, { interval: 'hour', valueKind: 'count' });
    const start = new Date('2026-01-01T00:00:00Z');
    // 60 lone anomalies two hours apart, newest first as the inbox reads them…
    const hours = Array.from({ length: 60 }, (_, i) => 2 * (200 - i));
    // …except that rows 48 to 52 of them are a run of consecutive hours: one incident across the page size.
    for (let i = 48; i <= 52; i++) hours[i] = (hours[47] as number) - (i - 47) - 1;
    for (const h of hours)
      await plant(handle.db, { projectId: c.project.id, metricId: metric.id, at: at(start, h) });

    const first = await listInbox({ ctx: viewer(c), input: {} });
    expect(first.anomalyCount).toBe(48);
    expect(first.incidents).toHaveLength(48);
    expect(first.nextBefore).toBe(at(start, hours[47]!).toISOString());

    const second = await listInbox({ ctx: viewer(c), input: { before: first.nextBefore } });
    expect(second.incidents[0]?.anomalies).toHaveLength(5);
    expect(second.anomalyCount).toBe(12);
    expect(second.nextBefore).toBeNull();
    const seen = [...first.incidents, ...second.incidents].flatMap((i) =>
      i.anomalies.map((x) => x.bucketStart),
    );
    expect(new Set(seen).size).toBe(60);
  });
});

describe('getAnomalyDetail', () => {
  it('gives the series around it, its whole incident and the deliveries it set off', async () => {
    const detail = await getAnomalyDetail({ ctx: viewer(), input: { anomalyId: ids['orders-9'] } });
    expect(detail.anomaly).toMatchObject({ id: ids['orders-9'], severity: 'high', direction: 'down' });
    expect(detail.anomaly.bucketEnd).toBe(at(D1, 10).toISOString());
    expect(detail.incident.anomalies.map((x) => x.id).sort()).toEqual(
      ['orders-9', 'orders-10', 'orders-11', 'revenue', 'per-user', 'conversion'].map((k) => ids[k]).sort(),
    );
    expect(detail.series.range).toMatchObject({ key: 'custom', from: '2026-03-11', to: '2026-03-13' });
    expect(detail.series.points).toHaveLength(72);
    expect(detail.deliveries.map((d) => [d.ruleName, d.event, d.status, d.attempts])).toEqual([
      ['Orders watch', 'firing', 'delivered', 1],
      ['Orders watch', 'resolved', 'failed', 8],
    ]);
  });

  it("answers 'not found' for another project's anomaly and 'validation' for a non-id", async () => {
    const foreign = await expectFailure(
      getAnomalyDetail({ ctx: viewer(), input: { anomalyId: ids.foreign } }),
      AppError,
    );
    expect(foreign.code).toBe('not_found');
    const garbage = await expectFailure(
      getAnomalyDetail({ ctx: viewer(), input: { anomalyId: 'x' } }),
      AppError,
    );
    expect(garbage.code).toBe('validation');
  });
});
