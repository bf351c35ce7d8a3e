/**
 * The series answer is cached per process and validated by the metric's series version, which database triggers
 * move on every write to what the series shows. These tests change each such thing and check that the next answer
 * is the fresh one (equal to an uncached read), with a new ETag, and that an unchanged series revalidates to 304.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anomalies, metrics, metricValues, seriesVersions } from '@/db/schema';
import { createAnnotation, deleteAnnotation } from '@/lib/annotations/service';
import { ops } from '@/lib/api/operations';
import { deleteMetric } from '@/lib/metrics/service';
import type { SeriesView } from '@/lib/series/schemas';
import { getMetricSeries } from '@/lib/series/service';
import { createSqlMetric, hoursFrom, writeValues } from '../../helpers/series';
import { bearer, callApi, openApiFixture, plantAnomaly, WATERMARK, type ApiFixture } from './fixture';

vi.mock('next-auth', () => ({ getServerSession: async () => null }));

let f: ApiFixture;
const NOW = new Date(WATERMARK.getTime() + 20 * 60_000);
const QUERY = { range: '7d' };

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  f = await openApiFixture('Series cache');
}, 120_000);
afterAll(async () => {
  vi.useRealTimers();
  await f?.close();
});

async function read(metricId = f.ids.seriesMetric, headers: Record<string, string> = {}) {
  return callApi(ops.getMetricSeries, {
    params: { project: f.a.project.slug, metricId },
    query: QUERY,
    headers: { ...bearer(f.tokens.viewer), ...headers },
  });
}

/** The API's answer, which must equal an uncached read of the same series at the same moment. */
async function freshAnswer(metricId = f.ids.seriesMetric): Promise<{ etag: string; view: SeriesView }> {
  const response = await read(metricId);
  expect(response.status).toBe(200);
  const view = (await response.json()) as SeriesView;
  const uncached = await getMetricSeries({ ctx: f.a.ctx('viewer'), input: { ...QUERY, metricId } });
  expect(view).toEqual(JSON.parse(JSON.stringify(uncached)));
  return { etag: response.headers.get('etag') ?? '', view };
}

const pointAt = (view: SeriesView, at: Date) => view.points.find((p) => p.t === at.getTime());

describe('series answers: cached, never stale', () => {
  it('carries an ETag; the same ETag back is 304 with no body until something changes', async () => {
    const first = await freshAnswer();
    expect(first.etag).toMatch(/^"[\w-]{27}"$/);
    expect((await read()).headers.get('etag')).toBe(first.etag);

    const revalidated = await read(f.ids.seriesMetric, { 'if-none-match': first.etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(first.etag);
    expect(revalidated.headers.get('cache-control')).toBe('private, no-cache');

    const other = await read(f.ids.seriesMetric, { 'if-none-match': '"something-else"' });
    expect(other.status).toBe(200);
  });

  it('a re-collected value shows at once: the ETag moves and If-None-Match no longer matches', async () => {
    const before = await freshAnswer();
    const bucket = hoursFrom(WATERMARK, -3);
    await f.handle.db
      .update(metricValues)
      .set({ value: 9_999 })
      .where(
        sql`${metricValues.metricId} = ${f.ids.seriesMetric} and ${metricValues.bucketStart} = ${bucket.toISOString()}::timestamptz`,
      );
    const after = await freshAnswer();
    expect(after.etag).not.toBe(before.etag);
    expect(pointAt(after.view, bucket)?.value).toBe(9_999);
    expect((await read(f.ids.seriesMetric, { 'if-none-match': before.etag })).status).toBe(200);
  });

  it('a new value in a gap, a deleted value and a re-scored band each make a new answer', async () => {
    const gap = hoursFrom(WATERMARK, -7);
    let before = await freshAnswer();
    expect(pointAt(before.view, gap)?.value).toBe(0);

    await writeValues(f.handle.db, f.ids.seriesMetric, [{ at: gap, value: 77 }]);
    let after = await freshAnswer();
    expect(after.etag).not.toBe(before.etag);
    expect(pointAt(after.view, gap)?.value).toBe(77);

    before = after;
    await f.handle.db
      .update(metricValues)
      .set({ expected: 70, lower: 60, upper: 80, score: 0.2 })
      .where(
        sql`${metricValues.metricId} = ${f.ids.seriesMetric} and ${metricValues.bucketStart} = ${gap.toISOString()}::timestamptz`,
      );
    after = await freshAnswer();
    expect(after.etag).not.toBe(before.etag);
    expect(pointAt(after.view, gap)?.band).toEqual([60, 80]);

    before = after;
    await f.handle.db
      .delete(metricValues)
      .where(
        sql`${metricValues.metricId} = ${f.ids.seriesMetric} and ${metricValues.bucketStart} = ${gap.toISOString()}::timestamptz`,
      );
    after = await freshAnswer();
    expect(after.etag).not.toBe(before.etag);
    expect(pointAt(after.view, gap)?.value).toBe(0);
  });

  it('an anomaly found, then acknowledged through the API, each make a new answer', async () => {
    const before = await freshAnswer();
    const anomalyId = await plantAnomaly(f.handle, f.a.project.id, f.ids.seriesMetric);
    const [planted] = await f.handle.db
      .select({ bucketStart: anomalies.bucketStart })
      .from(anomalies)
      .where(eq(anomalies.id, anomalyId));
    const found = await freshAnswer();
    expect(found.etag).not.toBe(before.etag);
    expect(pointAt(found.view, planted?.bucketStart as Date)).toMatchObject({ flag: 'high', stored: true });

    const ack = await callApi(ops.acknowledgeAnomaly, {
      params: { project: f.a.project.slug, anomalyId },
      headers: bearer(f.tokens.editor),
    });
    expect(ack.status).toBe(200);
    const acknowledged = await freshAnswer();
    expect(acknowledged.etag).not.toBe(found.etag);
  });

  it("a project-wide note changes every metric's answer; deleting it changes them back to fresh ones", async () => {
    const other = await createSqlMetric(f.handle.db, f.a.project.id, {
      interval: 'hour',
      valueKind: 'count',
    });
    const before = [await freshAnswer(), await freshAnswer(other.id)];
    const note = await createAnnotation({
      ctx: f.a.ctx('editor'),
      input: { metricId: null, note: 'Deploy freeze', startsAt: hoursFrom(WATERMARK, -30).toISOString() },
    });
    const noted = [await freshAnswer(), await freshAnswer(other.id)];
    for (const [i, answer] of noted.entries()) {
      expect(answer.etag).not.toBe(before[i]?.etag);
      expect((answer.view.annotations ?? []).map((a) => a.note)).toContain('Deploy freeze');
    }
    await deleteAnnotation({ ctx: f.a.ctx('editor'), input: { id: note.id } });
    const gone = await freshAnswer(other.id);
    expect(gone.etag).not.toBe(noted[1]?.etag);
    expect((gone.view.annotations ?? []).map((a) => a.note)).not.toContain('Deploy freeze');
  });

  it('a renamed metric answers with its new name', async () => {
    const before = await freshAnswer();
    await f.handle.db
      .update(metrics)
      .set({ name: 'Orders renamed' })
      .where(eq(metrics.id, f.ids.seriesMetric));
    const after = await freshAnswer();
    expect(after.etag).not.toBe(before.etag);
    expect(after.view.name).toBe('Orders renamed');
  });

  it('moves a version once per statement however many rows it writes, and a metric with values still deletes', async () => {
    const metric = await createSqlMetric(f.handle.db, f.a.project.id, {
      interval: 'hour',
      valueKind: 'count',
    });
    const version = async () =>
      (
        await f.handle.db
          .select({ v: seriesVersions.version })
          .from(seriesVersions)
          .where(eq(seriesVersions.metricId, metric.id))
      )[0]?.v ?? 0;
    expect(await version()).toBe(0);
    await writeValues(
      f.handle.db,
      metric.id,
      Array.from({ length: 500 }, (_, i) => ({ at: hoursFrom(WATERMARK, -i), value: i })),
    );
    expect(await version()).toBe(1);
    await plantAnomaly(f.handle, f.a.project.id, metric.id);
    expect(await version()).toBe(2);

    await deleteMetric({ ctx: f.a.ctx('editor'), input: { metricId: metric.id } });
    expect(await f.handle.db.select().from(metrics).where(eq(metrics.id, metric.id))).toEqual([]);
    expect(await version()).toBe(0);
  });
});
