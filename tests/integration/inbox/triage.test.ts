/**
 * Triage on a real database: marking expected writes the flag, the note, a chart annotation and an audit entry
 * in one go (and nothing for a viewer or for another project's anomaly); unmarking takes all of it back; whole
 * incidents are acknowledged or marked at once.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { annotations, anomalies, auditEntries } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { acknowledgeAnomalies, markExpected, unmarkExpected } from '@/lib/inbox/triage';
import { getMetricSeries } from '@/lib/series/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { createInboxCatalog, HOUR, plant } from './fixtures';

const D1 = new Date('2026-03-12T00:00:00Z');
const NOW = new Date('2026-03-20T12:00:00Z');
const at = (hour: number) => new Date(D1.getTime() + hour * HOUR);

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let catalog: Awaited<ReturnType<typeof createInboxCatalog>>;
const ids: Record<string, string> = {};

const as = (role: 'viewer' | 'editor', fixture = a) => ({ ...fixture.ctx(role), now: () => NOW });
const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

async function anomaly(id: string) {
  const [row] = await handle.db.select().from(anomalies).where(eq(anomalies.id, id));
  return row!;
}
const annotationsOf = (metricId: string) =>
  handle.db.select().from(annotations).where(eq(annotations.metricId, metricId));
const auditOf = (anomalyIds: string[], action: string) =>
  handle.db
    .select()
    .from(auditEntries)
    .where(and(inArray(auditEntries.resourceId, anomalyIds), eq(auditEntries.action, action)));

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Triage A');
  b = await createTestProject(handle.db, 'Triage B');
  catalog = await createInboxCatalog(handle.db, a.project.id);
  const p = { projectId: a.project.id };
  for (const h of [9, 10, 11]) {
    ids[`orders-${h}`] = (await plant(handle.db, { ...p, metricId: catalog.ordersMetric.id, at: at(h) })).id;
  }
  ids.revenue = (await plant(handle.db, { ...p, metricId: catalog.revenue.id, at: D1 })).id;
  ids.deploys = (await plant(handle.db, { ...p, metricId: catalog.deploys.id, at: D1 })).id;
  ids.lone = (await plant(handle.db, { ...p, metricId: catalog.sessionsMetric.id, at: at(-100) })).id;
  const otherCatalog = await createInboxCatalog(handle.db, b.project.id);
  ids.foreign = (
    await plant(handle.db, { projectId: b.project.id, metricId: otherCatalog.ordersMetric.id, at: at(9) })
  ).id;
});

afterAll(async () => handle?.close());

describe('markExpected', () => {
  it('is refused to a viewer, and nothing is written', async () => {
    const error = await failure(
      markExpected({ ctx: as('viewer'), input: { anomalyId: ids.lone, note: 'Launch day' } }),
    );
    expect(error.code).toBe('forbidden');
    expect(await anomaly(ids.lone!)).toMatchObject({ expectedEvent: false, note: null });
    expect(await annotationsOf(catalog.sessionsMetric.id)).toEqual([]);
    expect(await auditOf([ids.lone!], 'anomaly.mark_expected')).toEqual([]);
  });

  it("answers 'not found' for another project's anomaly, and writes nothing there", async () => {
    const error = await failure(
      markExpected({ ctx: as('editor'), input: { anomalyId: ids.foreign, note: 'Not yours' } }),
    );
    expect(error.code).toBe('not_found');
    expect(await anomaly(ids.foreign!)).toMatchObject({ expectedEvent: false });
  });

  it('asks for a note', async () => {
    const error = await failure(
      markExpected({ ctx: as('editor'), input: { anomalyId: ids.lone, note: '  ' } }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors?.note).toMatch(/Say what happened/);
  });

  it('writes the flag, the note, an annotation over the bucket and an audit entry', async () => {
    const result = await markExpected({
      ctx: as('editor'),
      input: { anomalyId: ids.lone, note: 'Launch day' },
    });
    expect(result.anomalyIds).toEqual([ids.lone]);
    expect(await anomaly(ids.lone!)).toMatchObject({ expectedEvent: true, note: 'Launch day' });
    const [note] = await annotationsOf(catalog.sessionsMetric.id);
    expect(note).toMatchObject({
      projectId: a.project.id,
      startsAt: at(-100),
      endsAt: at(-99),
      note: 'Launch day',
      createdBy: a.users.editor.id,
    });
    const audit = await auditOf([ids.lone!], 'anomaly.mark_expected');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: a.users.editor.id, resourceType: 'anomaly' });
    expect(audit[0]?.metadata).toMatchObject({
      before: { expectedEvent: false },
      after: { expectedEvent: true, note: 'Launch day' },
    });

    const again = await failure(
      markExpected({ ctx: as('editor'), input: { anomalyId: ids.lone, note: 'x' } }),
    );
    expect(again.code).toBe('conflict');
  });

  it("shows the annotation on the metric's chart", async () => {
    const series = await getMetricSeries({
      ctx: as('viewer'),
      input: { metricId: catalog.sessionsMetric.id, range: 'custom', from: '2026-03-07', to: '2026-03-09' },
    });
    expect(series.annotations).toEqual([
      { start: at(-100).getTime(), end: at(-99).getTime(), note: 'Launch day' },
    ]);
  });

  it('marks a whole incident: every member, one annotation per bucket, one audit entry each', async () => {
    const members = ['orders-9', 'orders-10', 'orders-11', 'revenue'].map((k) => ids[k]!);
    const result = await markExpected({
      ctx: as('editor'),
      input: { anomalyId: ids['orders-10'], note: 'Checkout maintenance', incident: true },
    });
    expect(result.anomalyIds.sort()).toEqual([...members].sort());
    for (const id of members) expect(await anomaly(id)).toMatchObject({ expectedEvent: true });
    // The deployments metric reads another fact table: not part of the incident.
    expect(await anomaly(ids.deploys!)).toMatchObject({ expectedEvent: false });
    expect(await annotationsOf(catalog.ordersMetric.id)).toHaveLength(3);
    expect(await annotationsOf(catalog.revenue.id)).toHaveLength(1);
    const audit = await auditOf(members, 'anomaly.mark_expected');
    expect(audit).toHaveLength(4);
    expect(audit.every((e) => (e.metadata as { incidentOf?: string }).incidentOf === ids['orders-10'])).toBe(
      true,
    );

    const series = await getMetricSeries({
      ctx: as('viewer'),
      input: { metricId: catalog.ordersMetric.id, range: 'custom', from: '2026-03-12', to: '2026-03-12' },
    });
    // Three annotated hours read as one stretch on the chart.
    expect(series.annotations).toEqual([
      { start: at(9).getTime(), end: at(12).getTime(), note: 'Checkout maintenance' },
    ]);
  });
});

describe('unmarkExpected', () => {
  it('is refused to a viewer', async () => {
    expect((await failure(unmarkExpected({ ctx: as('viewer'), input: { anomalyId: ids.lone } }))).code).toBe(
      'forbidden',
    );
    expect(await anomaly(ids.lone!)).toMatchObject({ expectedEvent: true });
  });

  it('clears the flag and the note, removes the annotation it wrote, and audits', async () => {
    await unmarkExpected({ ctx: as('editor'), input: { anomalyId: ids.lone } });
    expect(await anomaly(ids.lone!)).toMatchObject({ expectedEvent: false, note: null });
    expect(await annotationsOf(catalog.sessionsMetric.id)).toEqual([]);
    expect(await auditOf([ids.lone!], 'anomaly.unmark_expected')).toHaveLength(1);
    expect((await failure(unmarkExpected({ ctx: as('editor'), input: { anomalyId: ids.lone } }))).code).toBe(
      'conflict',
    );
  });

  it('unmarks one bucket of a marked incident and keeps the others', async () => {
    await unmarkExpected({ ctx: as('editor'), input: { anomalyId: ids['orders-11'] } });
    expect(await anomaly(ids['orders-11']!)).toMatchObject({ expectedEvent: false });
    expect(await anomaly(ids['orders-10']!)).toMatchObject({ expectedEvent: true });
    const left = await annotationsOf(catalog.ordersMetric.id);
    expect(left.map((n) => n.startsAt.getTime()).sort()).toEqual([at(9).getTime(), at(10).getTime()]);
  });
});

describe('acknowledgeAnomalies', () => {
  it('is refused to a viewer, and nothing is written', async () => {
    const error = await failure(
      acknowledgeAnomalies({ ctx: as('viewer'), input: { anomalyId: ids['orders-9'], incident: true } }),
    );
    expect(error.code).toBe('forbidden');
    expect(await anomaly(ids['orders-9']!)).toMatchObject({ acknowledgedAt: null });
  });

  it('acknowledges one anomaly, then the rest of its incident, each audited once', async () => {
    const ctx = as('editor');
    await acknowledgeAnomalies({ ctx, input: { anomalyId: ids['orders-9'] } });
    expect(await anomaly(ids['orders-9']!)).toMatchObject({
      acknowledgedBy: a.users.editor.id,
      acknowledgedAt: NOW,
    });

    const rest = await acknowledgeAnomalies({ ctx, input: { anomalyId: ids['orders-9'], incident: true } });
    expect(rest.anomalyIds.sort()).toEqual([ids['orders-10'], ids['orders-11'], ids.revenue].sort());
    const members = ['orders-9', 'orders-10', 'orders-11', 'revenue'].map((k) => ids[k]!);
    expect(await auditOf(members, 'anomaly.acknowledge')).toHaveLength(4);
    expect(await anomaly(ids.deploys!)).toMatchObject({ acknowledgedAt: null });

    const again = await failure(
      acknowledgeAnomalies({ ctx, input: { anomalyId: ids.revenue, incident: true } }),
    );
    expect(again.code).toBe('conflict');
    expect(again.message).toMatch(/already acknowledged/);
  });

  it("answers 'not found' for another project's anomaly", async () => {
    const error = await failure(
      acknowledgeAnomalies({ ctx: as('editor', b), input: { anomalyId: ids.lone } }),
    );
    expect(error.code).toBe('not_found');
    expect(await anomaly(ids.lone!)).toMatchObject({ acknowledgedAt: null });
  });
});
