/**
 * The catalog's value columns: latest value, change, densified sparkline and signal for many metrics, read in
 * one statement, with gaps of both value kinds, unsettled buckets, never-collected metrics and other projects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle, DbOrTx } from '@/db/client';
import * as schema from '@/db/schema';
import { AppError } from '@/lib/errors';
import { listCatalogValues } from '@/lib/series/catalog';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import {
  createSqlMetric,
  daysFrom,
  hoursFrom,
  insertAnomaly,
  setWatermark,
  writeValues,
} from '../../helpers/series';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
const ids = { hourly: '', daily: '', never: '', quiet: '', foreign: '' };

const WATERMARK_H = new Date('2025-03-10T12:00:00Z');
const WATERMARK_D = new Date('2025-03-10T00:00:00Z');

/** A second drizzle instance on the same connection that counts the statements it sends. */
async function countingDb(): Promise<{ db: DbOrTx; count: () => number }> {
  let statements = 0;
  const logger = { logQuery: () => void statements++ };
  const client = (handle.db as unknown as { $client: unknown }).$client;
  const make =
    handle.driver === 'pglite'
      ? (await import('drizzle-orm/pglite')).drizzle
      : (await import('drizzle-orm/postgres-js')).drizzle;
  const db = (make as (config: object) => unknown)({ client, schema, casing: 'snake_case', logger });
  return { db: db as DbOrTx, count: () => statements };
}

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Catalog A');
  b = await createTestProject(handle.db, 'Catalog B');

  // Hourly counts: 40 settled hours with a quiet 09:00, plus a bucket at the watermark that is not settled.
  const hourly = await createSqlMetric(handle.db, a.project.id, { interval: 'hour', valueKind: 'count' });
  ids.hourly = hourly.id;
  const hours = Array.from({ length: 40 }, (_, i) => hoursFrom(WATERMARK_H, -40 + i));
  await writeValues(handle.db, hourly.id, [
    ...hours
      .filter((at) => at.getUTCHours() !== 9 || at.getUTCDate() !== 10)
      .map((at) => ({ at, value: at.getTime() === hoursFrom(WATERMARK_H, -1).getTime() ? 10 : 8 })),
    { at: WATERMARK_H, value: 999 },
  ]);
  await setWatermark(handle.db, hourly.id, WATERMARK_H);
  await insertAnomaly(handle.db, {
    projectId: a.project.id,
    metricId: hourly.id,
    at: hours[30]!,
    severity: 'low',
  });
  await insertAnomaly(handle.db, {
    projectId: a.project.id,
    metricId: hourly.id,
    at: hours[31]!,
    severity: 'high',
  });
  await insertAnomaly(handle.db, {
    projectId: a.project.id,
    metricId: hourly.id,
    at: hours[32]!,
    severity: 'medium',
    dimension: 'country',
    dimensionValue: 'US',
  });

  // Daily ratios: only three days collected, and the latest day missing (a gap, not a zero).
  const daily = await createSqlMetric(handle.db, a.project.id, { interval: 'day', valueKind: 'fractional' });
  ids.daily = daily.id;
  await writeValues(handle.db, daily.id, [
    { at: daysFrom(WATERMARK_D, -4), value: 0.25 },
    { at: daysFrom(WATERMARK_D, -3), value: 0.4 },
    { at: daysFrom(WATERMARK_D, -2), value: 0.5 },
  ]);
  await setWatermark(handle.db, daily.id, WATERMARK_D);
  await insertAnomaly(handle.db, {
    projectId: a.project.id,
    metricId: daily.id,
    at: daysFrom(WATERMARK_D, -2),
    severity: 'high',
    status: 'resolved',
  });

  ids.never = (await createSqlMetric(handle.db, a.project.id, { interval: 'day', valueKind: 'count' })).id;

  // Collected, but nothing ever happened: every settled bucket reads 0.
  const quiet = await createSqlMetric(handle.db, a.project.id, { interval: 'week', valueKind: 'count' });
  ids.quiet = quiet.id;
  await setWatermark(handle.db, quiet.id, new Date('2025-03-10T00:00:00Z'));

  const foreign = await createSqlMetric(handle.db, b.project.id, { interval: 'hour', valueKind: 'count' });
  ids.foreign = foreign.id;
  await writeValues(handle.db, foreign.id, [{ at: hoursFrom(WATERMARK_H, -1), value: 5 }]);
  await setWatermark(handle.db, foreign.id, WATERMARK_H);
});

afterAll(async () => handle?.close());

describe('listCatalogValues', () => {
  it('reads every row of the catalog in one statement', async () => {
    const { db, count } = await countingDb();
    const values = await listCatalogValues({
      ctx: a.ctx('viewer', db),
      input: { metricIds: Object.values(ids) },
    });
    expect(count()).toBe(1);
    expect(Object.keys(values).sort()).toEqual([ids.hourly, ids.daily, ids.never, ids.quiet].sort());
  });

  it('gives a count its latest settled value, the change and 30 dense buckets with quiet hours at 0', async () => {
    const values = await listCatalogValues({ ctx: a.ctx('viewer'), input: { metricIds: [ids.hourly] } });
    const hourly = values[ids.hourly]!;
    expect(hourly.latest).toBe(10);
    expect(hourly.latestBucket).toBe('2025-03-10T11:00:00.000Z');
    expect(hourly.previous).toBe(8);
    expect(hourly.deltaPct).toBeCloseTo(25);
    expect(hourly.sparkline).toHaveLength(30);
    expect(new Date(hourly.sparkline[0]!.t).toISOString()).toBe('2025-03-09T06:00:00.000Z');
    const nine = hourly.sparkline.find((p) => new Date(p.t).toISOString() === '2025-03-10T09:00:00.000Z');
    expect(nine?.value).toBe(0);
    expect(hourly.sparkline.every((p) => p.value !== null)).toBe(true);
    expect(hourly.signal).toBe('high');
    expect(hourly.valueKind).toBe('count');
  });

  it('leaves a ratio gap empty and reads nothing before the first collected day', async () => {
    const values = await listCatalogValues({ ctx: a.ctx('viewer'), input: { metricIds: [ids.daily] } });
    const daily = values[ids.daily]!;
    expect(daily.latestBucket).toBe('2025-03-09T00:00:00.000Z');
    expect(daily.latest).toBeNull();
    expect(daily.previous).toBe(0.5);
    expect(daily.deltaPct).toBeNull();
    expect(daily.sparkline.slice(-4).map((p) => p.value)).toEqual([0.25, 0.4, 0.5, null]);
    expect(daily.sparkline.slice(0, -4).every((p) => p.value === null)).toBe(true);
    // Its only anomaly is resolved: no signal.
    expect(daily.signal).toBeNull();
  });

  it('shows nothing for a metric never collected, and zeros for one collected without data', async () => {
    const values = await listCatalogValues({
      ctx: a.ctx('viewer'),
      input: { metricIds: [ids.never, ids.quiet] },
    });
    expect(values[ids.never]).toMatchObject({
      latest: null,
      latestBucket: null,
      sparkline: [],
      signal: null,
    });
    expect(values[ids.quiet]!.latest).toBe(0);
    expect(values[ids.quiet]!.sparkline.map((p) => p.value)).toEqual(Array(30).fill(0));
    expect(values[ids.quiet]!.latestBucket).toBe('2025-03-03T00:00:00.000Z');
  });

  it('never returns another project’s metric', async () => {
    const values = await listCatalogValues({
      ctx: b.ctx('viewer'),
      input: { metricIds: [ids.hourly, ids.foreign] },
    });
    expect(Object.keys(values)).toEqual([ids.foreign]);
  });

  it('rejects ids that are not ids', async () => {
    const error = await expectFailure(
      listCatalogValues({ ctx: a.ctx('viewer'), input: { metricIds: ['nope'] } }),
      AppError,
    );
    expect(error.code).toBe('validation');
  });
});
