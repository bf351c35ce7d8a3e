/**
 * The drilldown's read verbs over stored series: densified ranges, the expected band and flagged buckets
 * detection stored with the values (the same as scoring the series on the spot), stored anomalies, overlays,
 * period-over-period, breakdowns, and acknowledging anomalies with its audit entry, roles and tenancy.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries } from '@/db/schema';
import { rescoreBand } from '@/lib/detection/pipeline';
import { AppError } from '@/lib/errors';
import { insertFactTable } from '@/lib/fact-tables/queries';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { scoreSeries } from '@/lib/series/band';
import {
  acknowledgeAnomaly,
  describeMetric,
  getMetricBreakdowns,
  getMetricSeries,
  listAnomaliesOfMetric,
} from '@/lib/series/service';
import { insertDataSource } from '@/lib/sources/queries';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import {
  createSqlMetric,
  daysFrom,
  hoursFrom,
  insertAnomaly,
  setWatermark,
  writeBreakdown,
  writeValues,
} from '../../helpers/series';

const NOW = new Date('2025-03-10T12:20:00Z');
const WATERMARK = new Date('2025-03-10T12:00:00Z');
const HISTORY_HOURS = 35 * 24;
const GAP = hoursFrom(WATERMARK, -50);
const STORED_ANOMALY = hoursFrom(WATERMARK, -30);

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let orders: string;
let ratio: string;
let foreign: string;
let anomalyId: string;
let foreignAnomalyId: string;
const hourly = new Map<number, number>();

const viewer = () => ({ ...a.ctx('viewer'), now: () => NOW });
const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

/** A deterministic daily-seasonal count with a spike in the last settled hour. */
function ordersAt(i: number, at: Date): number {
  const noise = ((i * 7919) % 11) - 5;
  const base = Math.round(120 + 60 * Math.sin((2 * Math.PI * (at.getUTCHours() - 6)) / 24) + noise);
  return i === HISTORY_HOURS - 1 ? base * 5 : base;
}

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Series A');
  b = await createTestProject(handle.db, 'Series B');

  const source = await insertDataSource(handle.db, {
    projectId: a.project.id,
    name: `Warehouse ${uniqueSuffix()}`,
    kind: 'embedded',
    config: {},
  });
  const table = await insertFactTable(handle.db, {
    projectId: a.project.id,
    dataSourceId: source.id,
    name: `orders ${uniqueSuffix()}`,
    sql: 'SELECT created_at, country FROM orders',
    timestampColumn: 'created_at',
    columns: [
      { name: 'created_at', type: 'timestamp', nativeType: 'timestamptz' },
      { name: 'country', type: 'string', nativeType: 'text' },
    ],
  });
  const input = metricInputSchema.parse({
    name: `Orders ${uniqueSuffix()}`,
    interval: 'hour',
    lifecycle: 'active',
    direction: 'higher_is_better',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: { factTableId: table.id, aggregation: 'count' },
      breakdowns: ['country'],
    },
  });
  orders = (
    await insertMetric(handle.db, {
      ...input,
      projectId: a.project.id,
      kind: 'fact',
      valueKind: 'count',
      dependencies: [{ factTableId: table.id }],
    })
  ).id;
  const points = [];
  for (let i = 0; i < HISTORY_HOURS; i++) {
    const at = hoursFrom(WATERMARK, -HISTORY_HOURS + i);
    if (at.getTime() === GAP.getTime()) continue;
    const value = ordersAt(i, at);
    hourly.set(at.getTime(), value);
    points.push({ at, value });
  }
  await writeValues(handle.db, orders, points);
  await setWatermark(handle.db, orders, WATERMARK);
  // What detection stores after the first collection of this history: the band of every stored bucket.
  await rescoreBand(handle.db, { projectId: a.project.id, metricId: orders, zone: 'UTC', from: null });
  const breakdown = [];
  for (let i = 1; i <= 48; i++) {
    const at = hoursFrom(WATERMARK, -i);
    breakdown.push(
      { at, value: 'US', v: 50 },
      { at, value: 'DE', v: 20 },
      { at, value: 'FR', v: i % 2 === 0 ? 5 : null },
      { at, value: '=cmd', v: 1 },
      { at, value: '(other)', v: 2 },
    );
  }
  await writeBreakdown(handle.db, orders, 'country', breakdown);
  anomalyId = (
    await insertAnomaly(handle.db, {
      projectId: a.project.id,
      metricId: orders,
      at: STORED_ANOMALY,
      severity: 'low',
    })
  ).id;

  ratio = (
    await createSqlMetric(handle.db, a.project.id, {
      interval: 'day',
      valueKind: 'fractional',
      format: 'percent',
    })
  ).id;
  const day0 = new Date('2025-03-10T00:00:00Z');
  await writeValues(handle.db, ratio, [
    { at: daysFrom(day0, -3), value: 0.2 },
    { at: daysFrom(day0, -1), value: 0.4 },
  ]);
  await setWatermark(handle.db, ratio, day0);

  foreign = (await createSqlMetric(handle.db, b.project.id, { interval: 'hour', valueKind: 'count' })).id;
  foreignAnomalyId = (
    await insertAnomaly(handle.db, {
      projectId: b.project.id,
      metricId: foreign,
      at: WATERMARK,
      severity: 'high',
    })
  ).id;
});

afterAll(async () => handle?.close());

describe('getMetricSeries', () => {
  it('densifies the default 7 days of an hourly count up to the bucket in progress', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders } });
    expect(view.range.key).toBe('7d');
    expect(view.points).toHaveLength(168);
    expect(new Date(view.points[0]!.t).toISOString()).toBe('2025-03-03T12:00:00.000Z');
    expect(new Date(view.points.at(-1)!.t).toISOString()).toBe('2025-03-10T11:00:00.000Z');
    expect(view.points.find((p) => p.t === GAP.getTime())?.value).toBe(0);
    for (const p of view.points) if (p.t !== GAP.getTime()) expect(p.value).toBe(hourly.get(p.t));
    const total = view.points.reduce((sum, p) => sum + (p.value ?? 0), 0);
    expect(view.summary).toMatchObject({
      aggregate: 'total',
      value: total,
      latest: view.points.at(-1)!.value,
    });
  });

  it('draws the expected band detection stored and flags the spike', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders } });
    expect(view.bandMissing).toBe(false);
    const banded = view.points.filter((p) => p.band !== null);
    expect(banded.length).toBeGreaterThan(160);
    for (const p of banded) expect(p.band![0]).toBeLessThanOrEqual(p.band![1]);
    const spike = view.points.at(-1)!;
    expect(spike.flag).toBe('high');
    expect(spike.value).toBeGreaterThan(spike.band![1]);
  });

  it('shows what the detector says about each bucket, as scoring the stored series on the spot does', async () => {
    const first = hoursFrom(WATERMARK, -HISTORY_HOURS).getTime();
    const dense = Array.from({ length: HISTORY_HOURS }, (_, i) => {
      const t = first + i * 3_600_000;
      return { t, value: hourly.get(t) ?? 0 };
    });
    const scored = scoreSeries(dense, { valueKind: 'count', interval: 'hour', sensitivity: 5 });
    const byBucket = new Map(dense.map((p, i) => [p.t, scored[i]!]));
    for (const range of ['7d', '90d'] as const) {
      const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders, range } });
      for (const p of view.points) {
        const s = byBucket.get(p.t);
        if (!s || p.t === GAP.getTime()) {
          // Before the first bucket nothing was collected; at the gap no row holds a band.
          expect(p.band).toBeNull();
          continue;
        }
        expect(p.expected).toBe(s.expected);
        expect(p.band).toEqual(s.lower === null || s.upper === null ? null : [s.lower, s.upper]);
        if (!p.stored) expect(p.flag).toBe(s.flag);
      }
    }
  });

  it('has no band where detection has not stored one', async () => {
    const fresh = (await createSqlMetric(handle.db, a.project.id, { interval: 'hour', valueKind: 'count' }))
      .id;
    await writeValues(
      handle.db,
      fresh,
      Array.from({ length: 24 * 10 }, (_, i) => ({ at: hoursFrom(WATERMARK, -240 + i), value: 5 + (i % 3) })),
    );
    await setWatermark(handle.db, fresh, WATERMARK);
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: fresh } });
    expect(view.points.filter((p) => p.value !== null)).toHaveLength(168);
    expect(view.bandMissing).toBe(true);
    expect(view.points.every((p) => p.flag === null && p.expected === null)).toBe(true);
  });

  it('marks a stored anomaly on its bucket with its severity', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders } });
    const marked = view.points.find((p) => p.t === STORED_ANOMALY.getTime());
    expect(marked).toMatchObject({ stored: true, flag: 'low' });
    expect(view.points.filter((p) => p.stored)).toHaveLength(1);
  });

  it('overlays a moving average and a trailing total computed from the history before the range', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders, ma: '24', trail: '24' } });
    expect(view.options).toMatchObject({ ma: 24, trail: 24, compare: false });
    const first = view.points[0]!;
    const window = Array.from({ length: 24 }, (_, k) => hourly.get(first.t - k * 3_600_000) ?? 0);
    const sum = window.reduce((s, v) => s + v, 0);
    expect(first.trailing).toBe(sum);
    expect(first.ma).toBeCloseTo(sum / 24, 9);
  });

  it('compares with the period just before, bucket by bucket and in total', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders, compare: 'previous' } });
    const week = 168 * 3_600_000;
    for (const p of view.points) expect(p.previous).toBe(hourly.get(p.t - week) ?? 0);
    const current = view.points.reduce((s, p) => s + (p.value ?? 0), 0);
    const previous = view.points.reduce((s, p) => s + (p.previous ?? 0), 0);
    expect(view.comparison).toMatchObject({
      aggregate: 'total',
      current,
      previous,
      previousStart: '2025-02-24T12:00:00.000Z',
      previousEnd: '2025-03-03T12:00:00.000Z',
    });
    expect(view.comparison!.deltaPct).toBeCloseTo(((current - previous) / previous) * 100, 9);
  });

  it('reads nothing before the first stored bucket, even for a count', async () => {
    const view = await getMetricSeries({ ctx: viewer(), input: { metricId: orders, range: '90d' } });
    const first = hoursFrom(WATERMARK, -HISTORY_HOURS).getTime();
    expect(view.points.filter((p) => p.t < first).every((p) => p.value === null)).toBe(true);
    expect(view.coverage.start).toBe(new Date(first).toISOString());
  });

  it('leaves fractional gaps empty, compares means and has no trailing total', async () => {
    const view = await getMetricSeries({
      ctx: viewer(),
      input: {
        metricId: ratio,
        range: 'custom',
        from: '2025-03-06',
        to: '2025-03-09',
        trail: '7',
        compare: 'previous',
      },
    });
    expect(view.range).toMatchObject({ key: 'custom', from: '2025-03-06', to: '2025-03-09' });
    expect(view.points.map((p) => p.value)).toEqual([null, 0.2, null, 0.4]);
    expect(view.options.trail).toBeNull();
    expect(view.summary.aggregate).toBe('mean');
    expect(view.summary.value).toBeCloseTo(0.3);
    expect(view.comparison?.previous).toBeNull();
  });

  it('falls back to the default range for bad options instead of failing', async () => {
    const view = await getMetricSeries({
      ctx: viewer(),
      input: { metricId: ratio, range: 'custom', from: '2025-03-09', to: '2025-03-01' },
    });
    expect(view.range.key).toBe('90d');
  });

  it("answers 'not found' for another project's metric and 'validation' for a non-id", async () => {
    expect((await failure(getMetricSeries({ ctx: viewer(), input: { metricId: foreign } }))).code).toBe(
      'not_found',
    );
    expect((await failure(getMetricSeries({ ctx: viewer(), input: { metricId: 'x' } }))).code).toBe(
      'validation',
    );
    expect((await failure(describeMetric({ ctx: viewer(), input: { metricId: foreign } }))).code).toBe(
      'not_found',
    );
  });
});

describe('getMetricBreakdowns', () => {
  it('keeps the top values, folds the rest with the stored (other), and fills quiet hours with 0', async () => {
    const view = await getMetricBreakdowns({
      ctx: viewer(),
      input: { metricId: orders, range: '24h', top: '2' },
    });
    expect(view.top).toBe(2);
    expect(view.dimensions).toHaveLength(1);
    const country = view.dimensions[0]!;
    expect(country.dimension).toBe('country');
    expect(country.keys.map((k) => k.label)).toEqual(['US', 'DE', '(other)']);
    expect(country.points).toHaveLength(24);
    const evenHour = country.points.find((p) => p.t === hoursFrom(WATERMARK, -2).getTime())!;
    const oddHour = country.points.find((p) => p.t === hoursFrom(WATERMARK, -1).getTime())!;
    expect([evenHour.v0, evenHour.v1, evenHour.v2]).toEqual([50, 20, 8]);
    expect([oddHour.v0, oddHour.v1, oddHour.v2]).toEqual([50, 20, 3]);
    expect(country.rows.map((r) => [r.label, r.value])).toEqual([
      ['US', 1200],
      ['DE', 480],
      ['(other)', 132],
    ]);
  });

  it('has no breakdown for a metric without dimensions', async () => {
    const view = await getMetricBreakdowns({ ctx: viewer(), input: { metricId: ratio } });
    expect(view.dimensions).toEqual([]);
  });
});

describe('acknowledgeAnomaly', () => {
  it('is refused to a viewer', async () => {
    const error = await failure(acknowledgeAnomaly({ ctx: a.ctx('viewer'), input: { anomalyId } }));
    expect(error.code).toBe('forbidden');
  });

  it("answers 'not found' for another project's anomaly", async () => {
    const error = await failure(
      acknowledgeAnomaly({ ctx: a.ctx('editor'), input: { anomalyId: foreignAnomalyId } }),
    );
    expect(error.code).toBe('not_found');
  });

  it('records who acknowledged it, audits it, and refuses a second acknowledgement', async () => {
    const ctx = { ...a.ctx('editor'), now: () => NOW };
    const acknowledged = await acknowledgeAnomaly({ ctx, input: { anomalyId } });
    expect(acknowledged).toMatchObject({ id: anomalyId, acknowledgedAt: NOW.toISOString() });
    expect(acknowledged.acknowledgedBy).toMatch(/^editor /);
    const audit = await handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.resourceId, anomalyId), eq(auditEntries.action, 'anomaly.acknowledge')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: a.users.editor.id, resourceType: 'anomaly' });
    expect((await failure(acknowledgeAnomaly({ ctx, input: { anomalyId } }))).code).toBe('conflict');

    const listed = await listAnomaliesOfMetric({ ctx: viewer(), input: { metricId: orders } });
    expect(listed.find((x) => x.id === anomalyId)?.acknowledgedBy).toBe(acknowledged.acknowledgedBy);
  });
});

describe('describeMetric', () => {
  it('names the fact table and breakdowns of the definition', async () => {
    const { metric, definition } = await describeMetric({ ctx: viewer(), input: { metricId: orders } });
    expect(metric.id).toBe(orders);
    expect(definition.summary).toMatch(/^Count of rows in orders [0-9a-f]+, broken down by country\.$/);
  });
});
