/**
 * The expected band detection stores with each value: after a collection run it is what the detector says about
 * the stored series (scoreSeries on the same series), a backfill of older history and a late-data re-collection
 * rewrite the buckets they change, and a new sensitivity or an "expected" mark draws it again.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { metricValues } from '@/db/schema';
import { collectProject, type EngineDeps } from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';
import { markExpected, unmarkExpected } from '@/lib/inbox/triage';
import { getMetric, updateMetric } from '@/lib/metrics/service';
import { findProjectBySlug } from '@/lib/projects/queries';
import { flagOf, scoreSeries } from '@/lib/series/band';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';
import { insertAnomaly } from '../../helpers/series';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';

const HOUR = 3_600_000;

// Thirty days of hourly orders with a daily cycle, a spike of 300 orders on 2026-02-25 at 15:00 and 4 orders
// more than usual on 2026-02-27 at 12:00 (inside the noise: the detector learns from it).
const SETUP = `
create table orders (created_at timestamptz not null, amount numeric not null);
insert into orders
select h + i * interval '1 minute', 10
from generate_series(timestamptz '2026-02-01 00:00+00', timestamptz '2026-03-02 23:00+00', interval '1 hour') as h,
     lateral generate_series(1, 20 + (8 * sin(extract(hour from h at time zone 'UTC') * pi() / 12))::int
                                + ((extract(epoch from h) / 3600)::int % 3)) as i;
insert into orders select timestamptz '2026-02-25 15:00+00' + i * interval '10 seconds', 10
from generate_series(1, 300) as i;
insert into orders select timestamptz '2026-02-27 12:00+00' + i * interval '5 minutes', 10
from generate_series(1, 4) as i;`;

const [embedded] = warehouseTargets({ setupSql: SETUP, teardownSql: 'drop table if exists orders' });

let handle: DbHandle;
let warehouse: OpenedTarget;
let now = new Date('2026-03-03T00:10:00Z');

const deps = (policy?: CollectionPolicy): EngineDeps => ({
  db: handle.db,
  now: () => now,
  openClient: async () => ({ client: warehouse.client, release: async () => {} }),
  ...(policy ? { policy } : {}),
});

async function collect(
  fixture: TestProjectFixture,
  request: Record<string, unknown>,
  policy?: CollectionPolicy,
) {
  const project = await findProjectBySlug(handle.db, fixture.project.slug);
  const report = await collectProject(deps(policy), { project: project!, trigger: 'manual', request });
  expect(report?.run.status).toBe('completed');
  return report;
}

type StoredRow = {
  t: number;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
};

async function storedRows(metricId: string): Promise<StoredRow[]> {
  const rows = await handle.db
    .select()
    .from(metricValues)
    .where(eq(metricValues.metricId, metricId))
    .orderBy(asc(metricValues.bucketStart));
  return rows.map((r) => ({
    t: r.bucketStart.getTime(),
    value: r.value,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
    score: r.score,
  }));
}

/**
 * The stored rows beside what the detector says when it scores the stored series on the spot, from its first
 * bucket (these series are shorter than the detector's history), with missing hours read as 0.
 */
async function storedAndScored(
  metricId: string,
  { sensitivity = 5, excluded }: { sensitivity?: number; excluded?: ReadonlySet<number> } = {},
) {
  const rows = await storedRows(metricId);
  const byBucket = new Map(rows.map((r) => [r.t, r.value]));
  const first = rows[0]!.t;
  const dense = Array.from({ length: (rows.at(-1)!.t - first) / HOUR + 1 }, (_, i) => {
    const t = first + i * HOUR;
    return { t, value: byBucket.has(t) ? (byBucket.get(t) ?? null) : 0 };
  });
  const scored = scoreSeries(dense, { valueKind: 'count', interval: 'hour', sensitivity, excluded });
  const at = new Map(dense.map((p, i) => [p.t, scored[i]!]));
  const stored = rows.map((r) => ({
    t: r.t,
    expected: r.expected,
    band: r.lower === null || r.upper === null ? null : [r.lower, r.upper],
    flag: flagOf(r.score),
  }));
  const expected = rows.map((r) => {
    const s = at.get(r.t)!;
    return {
      t: r.t,
      expected: s.expected,
      band: s.lower === null || s.upper === null ? null : [s.lower, s.upper],
      flag: s.flag,
    };
  });
  return { rows, stored, expected };
}

beforeAll(async () => {
  warehouse = await embedded!.open();
  handle = await openTestDb();
}, 120_000);

afterAll(async () => {
  await warehouse?.cleanup();
  await handle?.close();
});

describe('the stored band', () => {
  let fixture: TestProjectFixture;
  let metricId: string;

  beforeAll(async () => {
    fixture = await createTestProject(handle.db, 'Stored band');
    metricId = (await createCountMetric(handle.db, fixture.project.id)).metric.id;
    await collect(fixture, { metricIds: [metricId] });
  }, 120_000);

  it('is, after a collection run, what the detector says about every stored bucket', async () => {
    const { rows, stored, expected } = await storedAndScored(metricId);
    expect(rows).toHaveLength(30 * 24);
    expect(stored).toEqual(expected);
    // Warm-up first (too little history: no band), then a band on nearly every bucket.
    expect(stored[0]!.band).toBeNull();
    expect(stored.filter((p) => p.band !== null).length).toBeGreaterThan(500);
    const spike = stored.find((p) => p.t === Date.parse('2026-02-25T15:00:00Z'))!;
    expect(spike.flag).toBe('high');
  });

  it('is rewritten for the buckets a late-data re-collection scores again', async () => {
    const before = await storedRows(metricId);
    const late = Date.parse('2026-03-02T22:00:00Z');
    await warehouse.exec(`insert into orders
      select timestamptz '2026-03-02 22:00+00' + i * interval '5 minutes', 10 from generate_series(1, 6) as i;
      insert into orders
      select timestamptz '2026-03-03 00:00+00' + i * interval '2 minutes', 10 from generate_series(1, 25) as i;`);
    now = new Date('2026-03-03T01:10:00Z');
    await collect(fixture, {});

    const { rows, stored, expected } = await storedAndScored(metricId);
    expect(stored).toEqual(expected);
    const valueAt = (list: StoredRow[], t: number) => list.find((r) => r.t === t);
    expect(valueAt(rows, late)!.value).toBe(valueAt(before, late)!.value! + 6);
    // The detector is causal: the late bucket's own band stays, the next one learned from the new value.
    const band = (r: StoredRow | undefined) => [r?.expected, r?.lower, r?.upper];
    expect(band(valueAt(rows, late))).toEqual(band(valueAt(before, late)));
    expect(band(valueAt(rows, late + HOUR))).not.toEqual(band(valueAt(before, late + HOUR)));
    expect(valueAt(rows, late + 2 * HOUR)!.expected).not.toBeNull();
  });

  it('is drawn again at a new sensitivity', async () => {
    const ctx = { ...fixture.ctx('editor'), now: () => now };
    const metric = await getMetric({ ctx, input: { metricId } });
    const before = await storedRows(metricId);
    await updateMetric({
      ctx,
      input: {
        metricId,
        expectedVersion: metric.version,
        name: metric.name,
        description: metric.description,
        ownerId: metric.ownerId,
        tags: metric.tags,
        unit: metric.unit,
        format: metric.format,
        direction: metric.direction,
        interval: metric.interval,
        lifecycle: metric.lifecycle,
        sensitivity: 9,
        definition: metric.definition,
      },
    });
    const { rows, stored, expected } = await storedAndScored(metricId, { sensitivity: 9 });
    expect(stored).toEqual(expected);
    // A higher sensitivity alerts on smaller deviations: the band is narrower.
    const width = (list: StoredRow[]) =>
      list.reduce((sum, r) => sum + (r.upper !== null && r.lower !== null ? r.upper - r.lower : 0), 0);
    expect(width(rows)).toBeLessThan(width(before));
  });

  it('is scored again without a bucket marked expected, and with it once the mark is taken back', async () => {
    // An hour the detector learns from (it would not learn from the spike anyway), flagged and marked.
    const bucket = new Date('2026-02-27T12:00:00Z');
    const flagged = await insertAnomaly(handle.db, {
      projectId: fixture.project.id,
      metricId,
      at: bucket,
      severity: 'medium',
    });
    const ctx = { ...fixture.ctx('editor'), now: () => now };
    const excluded = new Set([bucket.getTime()]);
    const plain = await storedAndScored(metricId, { sensitivity: 9 });
    const without = await storedAndScored(metricId, { sensitivity: 9, excluded });
    expect(plain.stored).toEqual(plain.expected);
    expect(without.expected).not.toEqual(plain.expected);

    await markExpected({ ctx, input: { anomalyId: flagged.id, note: 'Planned maintenance' } });
    expect((await storedAndScored(metricId, { sensitivity: 9, excluded })).stored).toEqual(without.expected);

    await unmarkExpected({ ctx, input: { anomalyId: flagged.id } });
    expect((await storedAndScored(metricId, { sensitivity: 9 })).stored).toEqual(plain.expected);
  });
});

describe('a backfill of older history', () => {
  it('stores the band of the buckets it wrote and rewrites the band after them', async () => {
    const fixture = await createTestProject(handle.db, 'Backfilled band');
    const metricId = (await createCountMetric(handle.db, fixture.project.id)).metric.id;
    const policy: CollectionPolicy = {
      lookback: { hour: 3, day: 2, week: 1 },
      history: { hour: 24 * 14, day: 30, week: 8 },
      chunk: { hour: 24 * 7, day: 30, week: 8 },
    };
    await collect(fixture, { metricIds: [metricId] }, policy);
    const recent = await storedRows(metricId);
    expect(recent).toHaveLength(14 * 24);

    await collect(
      fixture,
      { metricIds: [metricId], start: '2026-02-01T00:00:00.000Z', end: new Date(recent[0]!.t).toISOString() },
      policy,
    );
    const { rows, stored, expected } = await storedAndScored(metricId);
    expect(rows[0]!.t).toBe(Date.parse('2026-02-01T00:00:00Z'));
    expect(stored).toEqual(expected);
    // The two weeks collected first had their own warm-up; with the older history in front they have a band.
    const firstCollected = recent.findIndex((r) => r.expected !== null);
    const nowBanded = rows.find((r) => r.t === recent[0]!.t)!;
    expect(firstCollected).toBeGreaterThan(0);
    expect(nowBanded.expected).not.toBeNull();
  });
});
