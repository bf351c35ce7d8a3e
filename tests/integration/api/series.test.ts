/**
 * Series and breakdowns through the API agree with the services the drilldown uses: the JSON answer is the
 * drilldown's series, and the CSV answer holds the same points, densified, with the expected band and flags.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ops } from '@/lib/api/operations';
import { exportMetricCsv, getMetricBreakdowns, getMetricSeries } from '@/lib/series/service';
import type { SeriesView } from '@/lib/series/schemas';
import { createSqlMetric, hoursFrom } from '../../helpers/series';
import { bearer, callApi, openApiFixture, WATERMARK, type ApiFixture } from './fixture';

vi.mock('next-auth', () => ({ getServerSession: async () => null }));

let f: ApiFixture;
let foreignMetric: string;
// Ranges end at the bucket in progress: the clock is pinned so the hour cannot turn during the file.
const NOW = new Date(WATERMARK.getTime() + 20 * 60_000);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  f = await openApiFixture('Series');
  foreignMetric = (
    await createSqlMetric(f.handle.db, f.b.project.id, { interval: 'hour', valueKind: 'count' })
  ).id;
  // The band detection stores beside each value it scored, over the last three days; one bucket scored high.
  await f.handle.db.execute(sql`
    update metric_values
       set expected = value, lower = value - 3, upper = value + 3,
           score = case when bucket_start = ${hoursFrom(WATERMARK, -5).toISOString()}::timestamptz then 0.99 else 0.1 end
     where metric_id = ${f.ids.seriesMetric} and bucket_start >= ${hoursFrom(WATERMARK, -72).toISOString()}::timestamptz`);
}, 120_000);
afterAll(async () => {
  vi.useRealTimers();
  await f?.close();
});

const series = (query: Record<string, string>, metricId = f.ids.seriesMetric, token = f.tokens.viewer) =>
  callApi(ops.getMetricSeries, {
    params: { project: f.a.project.slug, metricId },
    query,
    headers: bearer(token),
  });

async function linesOf(lines: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of lines) text += chunk;
  return text;
}

describe('GET …/metrics/{metricId}/series', () => {
  it('answers exactly what the drilldown reads, for presets and custom ranges', async () => {
    const ctx = f.a.ctx('viewer');
    for (const query of [
      {},
      { range: '24h' },
      { range: '7d', ma: '3', compare: 'previous' },
      { from: WATERMARK.toISOString().slice(0, 10), to: WATERMARK.toISOString().slice(0, 10) },
    ] as Record<string, string>[]) {
      const response = await series(query);
      expect(response.status, JSON.stringify(query)).toBe(200);
      const expected = await getMetricSeries({ ctx, input: { ...query, metricId: f.ids.seriesMetric } });
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('is densified: every bucket of the range is there, count-shaped gaps read 0', async () => {
    const view = (await (await series({ range: '24h' })).json()) as SeriesView;
    expect(view.points).toHaveLength(24);
    const steps = view.points.slice(1).map((p, i) => p.t - (view.points[i] as { t: number }).t);
    expect(new Set(steps)).toEqual(new Set([3_600_000]));
    expect(view.points.every((p) => p.value !== null)).toBe(true);
    expect(view.points.some((p) => p.value === 0)).toBe(true);
  });

  it('as CSV holds the same points as the JSON answer, band and flags included', async () => {
    const query = { range: '7d' };
    const json = (await (await series(query)).json()) as SeriesView;
    const response = await series({ ...query, format: 'csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const [header, ...rows] = (await response.text()).trimEnd().split('\r\n');
    expect(header).toBe('bucket_start,value,expected,lower,upper,anomaly');
    expect(rows).toHaveLength(json.points.length);
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    rows.forEach((row, i) => {
      const p = json.points[i] as SeriesView['points'][number];
      expect(row).toBe(
        [
          new Date(p.t).toISOString(),
          cell(p.value),
          cell(p.expected),
          cell(p.band?.[0]),
          cell(p.band?.[1]),
          p.flag ?? '',
        ].join(','),
      );
    });
    expect(json.points.filter((p) => p.band !== null).length).toBeGreaterThan(60);
    expect(json.points.filter((p) => p.flag !== null)).toHaveLength(1);
    expect(rows.filter((row) => row.endsWith(',high'))).toHaveLength(1);
  });

  it('agrees with the drilldown CSV export on every value', async () => {
    const csv = await (await series({ range: '7d', format: 'csv' })).text();
    const exported = await exportMetricCsv({
      ctx: f.a.ctx('viewer'),
      input: { metricId: f.ids.seriesMetric, range: '7d' },
    });
    const values = (text: string) =>
      text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').slice(0, 2).join(','));
    expect(values(csv)).toEqual(values(await linesOf(exported.lines)));
  });

  it('accepts the grain the metric is collected at, refuses any other', async () => {
    expect((await series({ grain: 'hour' })).status).toBe(200);
    const response = await series({ grain: 'week' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields).toHaveProperty('grain');
  });

  it("answers 404 for another project's metric, even to a token of this project", async () => {
    const response = await series({}, foreignMetric);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });
});

describe('GET …/metrics/{metricId}/breakdown', () => {
  const breakdown = (query: Record<string, string>) =>
    callApi(ops.getMetricBreakdown, {
      params: { project: f.a.project.slug, metricId: f.ids.seriesMetric },
      query,
      headers: bearer(f.tokens.viewer),
    });

  it('answers what the drilldown reads, one dimension on request', async () => {
    const all = await (await breakdown({ range: '7d' })).json();
    const expected = await getMetricBreakdowns({
      ctx: f.a.ctx('viewer'),
      input: { metricId: f.ids.seriesMetric, range: '7d' },
    });
    expect(all).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(all.dimensions.map((d: { dimension: string }) => d.dimension)).toEqual(['dimension']);
    const one = await (await breakdown({ range: '7d', dimension: 'dimension' })).json();
    expect(one.dimensions).toHaveLength(1);
    const unknown = await breakdown({ range: '7d', dimension: 'country' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.fields).toHaveProperty('dimension');
  });

  it("as CSV gives the dimension's stored rows, like the drilldown export", async () => {
    const response = await breakdown({ range: '7d', dimension: 'dimension', format: 'csv' });
    expect(response.status).toBe(200);
    const exported = await exportMetricCsv({
      ctx: f.a.ctx('viewer'),
      input: { metricId: f.ids.seriesMetric, range: '7d', breakdown: 'dimension' },
    });
    const text = await response.text();
    expect(text).toBe(await linesOf(exported.lines));
    expect(text).toContain(',dimension,DE,4');
    expect((await breakdown({ format: 'csv' })).status).toBe(400);
  });
});
