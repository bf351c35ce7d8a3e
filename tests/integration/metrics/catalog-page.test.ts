/**
 * The catalog page as a viewer reads it: the owner filter in SQL, staleness against the clock, the signal filter
 * and the sort by change over the values, all from two statements, within one project.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle, DbOrTx } from '@/db/client';
import * as schema from '@/db/schema';
import { AppError } from '@/lib/errors';
import { listCatalogPage } from '@/lib/series/catalog';
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

const WATERMARK_H = new Date('2025-03-10T12:00:00Z');
const WATERMARK_D = new Date('2025-03-10T00:00:00Z');
const NOW = new Date('2025-03-10T12:30:00Z');

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;

const page = (fixture: TestProjectFixture, input: unknown, db?: DbOrTx) =>
  listCatalogPage({ ctx: { ...fixture.ctx('viewer', db), now: () => NOW }, input });
const names = async (input: unknown) => (await page(a, input)).entries.map((e) => e.name);

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

async function setMetric(id: string, values: Partial<typeof schema.metrics.$inferInsert>) {
  await handle.db.update(schema.metrics).set(values).where(eq(schema.metrics.id, id));
}

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Catalog page A');
  b = await createTestProject(handle.db, 'Catalog page B');
  const db = handle.db;

  // Collected half an hour ago, up 25% on the hour before, with an active high anomaly.
  const alpha = await createSqlMetric(db, a.project.id, {
    name: 'Alpha orders',
    interval: 'hour',
    valueKind: 'count',
  });
  await writeValues(db, alpha.id, [
    { at: hoursFrom(WATERMARK_H, -2), value: 8 },
    { at: hoursFrom(WATERMARK_H, -1), value: 10 },
  ]);
  await setWatermark(db, alpha.id, WATERMARK_H);
  await setMetric(alpha.id, { ownerId: a.users.editor.id });
  await insertAnomaly(db, {
    projectId: a.project.id,
    metricId: alpha.id,
    at: hoursFrom(WATERMARK_H, -1),
    severity: 'high',
  });

  // A daily metric down 20%, whose last successful collection was three days ago: stale.
  const beta = await createSqlMetric(db, a.project.id, {
    name: 'Beta refunds',
    interval: 'day',
    valueKind: 'fractional',
  });
  await writeValues(db, beta.id, [
    { at: daysFrom(WATERMARK_D, -2), value: 0.5 },
    { at: daysFrom(WATERMARK_D, -1), value: 0.4 },
  ]);
  await setWatermark(db, beta.id, WATERMARK_D);
  await setMetric(beta.id, { ownerId: a.users.admin.id, lastSuccessAt: daysFrom(NOW, -3) });

  // Active for a day without ever collecting: stale too. A draft is never stale.
  const gamma = await createSqlMetric(db, a.project.id, {
    name: 'Gamma sessions',
    interval: 'hour',
    valueKind: 'count',
  });
  await setMetric(gamma.id, { createdAt: daysFrom(NOW, -1) });
  const delta = await createSqlMetric(db, a.project.id, {
    name: 'Delta draft',
    interval: 'hour',
    valueKind: 'count',
  });
  await setMetric(delta.id, { lifecycle: 'draft', createdAt: daysFrom(NOW, -1) });

  await createSqlMetric(db, b.project.id, { name: 'Foreign', interval: 'hour', valueKind: 'count' });
});

afterAll(async () => handle?.close());

describe('listCatalogPage', () => {
  it('reads rows and values in two statements, with or without filters', async () => {
    for (const input of [{}, { owner: a.users.editor.id, q: 'a', sort: 'change', signal: 'any' }]) {
      const { db, count } = await countingDb();
      await page(a, input, db);
      expect(count()).toBe(2);
    }
  });

  it('filters by owner, or by having none, and offers every owner of the project', async () => {
    expect(await names({ owner: a.users.editor.id })).toEqual(['Alpha orders']);
    expect(await names({ owner: 'none' })).toEqual(['Delta draft', 'Gamma sessions']);
    const filtered = await page(a, { owner: a.users.admin.id });
    expect(filtered).toMatchObject({ total: 4, matching: 1 });
    expect(filtered.facets.owners.map((o) => o.id).sort()).toEqual(
      [a.users.editor.id, a.users.admin.id].sort(),
    );
    expect(filtered.facets.unowned).toBe(true);
  });

  it('marks active metrics without a recent successful collection stale, and lists only those on request', async () => {
    const all = await page(a, {});
    expect(Object.fromEntries(all.entries.map((e) => [e.name, e.stale]))).toEqual({
      'Alpha orders': false,
      'Beta refunds': true,
      'Delta draft': false,
      'Gamma sessions': true,
    });
    expect(all.now).toBe(NOW.toISOString());
    expect(await names({ stale: true })).toEqual(['Beta refunds', 'Gamma sessions']);
  });

  it('filters by the active anomaly and sorts by change either way, unknown changes last', async () => {
    expect(await names({ signal: 'high' })).toEqual(['Alpha orders']);
    expect(await names({ signal: 'none' })).toEqual(['Beta refunds', 'Delta draft', 'Gamma sessions']);
    expect(await names({ sort: 'change' })).toEqual([
      'Alpha orders',
      'Beta refunds',
      'Delta draft',
      'Gamma sessions',
    ]);
    expect(await names({ sort: 'change', dir: 'asc' })).toEqual([
      'Beta refunds',
      'Alpha orders',
      'Delta draft',
      'Gamma sessions',
    ]);
  });

  it("never shows another project's metrics, even filtered by one of its owners", async () => {
    const foreign = await page(b, {});
    expect(foreign.entries.map((e) => e.name)).toEqual(['Foreign']);
    expect((await page(b, { owner: a.users.editor.id })).matching).toBe(0);
  });

  it('refuses an unknown sort or an unknown field as a validation error', async () => {
    for (const input of [{ sort: 'id' }, { owner: 'Eddie' }, { limit: 5 }]) {
      expect((await expectFailure(page(a, input), AppError)).code).toBe('validation');
    }
  });
});
