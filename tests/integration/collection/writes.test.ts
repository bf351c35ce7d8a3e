/**
 * The set-based window write: one statement per table for every metric of a unit, leaving unchanged rows
 * alone, deleting buckets that disappeared and touching nothing outside the window.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { breakdownValues, metricValues } from '@/db/schema';
import { replaceUnitWindow } from '@/lib/collection/queries';
import { createTestProject, openTestDb } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

const h = (n: number) => new Date(Date.UTC(2026, 0, 1, n));
let handle: DbHandle;
let a: string;
let b: string;

beforeAll(async () => {
  handle = await openTestDb();
  const fixture = await createTestProject(handle.db, 'Writes');
  a = (await createCountMetric(handle.db, fixture.project.id)).metric.id;
  b = (await createCountMetric(handle.db, fixture.project.id)).metric.id;
});
afterAll(async () => handle?.close());

const rows = (metricId: string) =>
  handle.db
    .select()
    .from(metricValues)
    .where(eq(metricValues.metricId, metricId))
    .orderBy(asc(metricValues.bucketStart));

describe('replacing a unit window', () => {
  it('writes several metrics at once, then updates only what changed inside the window', async () => {
    const first = new Date('2026-01-02T00:00:00Z');
    await replaceUnitWindow(handle.db, {
      window: { start: h(0), end: h(4) },
      now: first,
      writes: [
        {
          metricId: a,
          series: [0, 1, 2, 3].map((i) => ({ bucket: h(i), value: i * 10 })),
          breakdown: [{ bucket: h(1), dimension: 'country', dimensionValue: 'DE', value: 4 }],
        },
        { metricId: b, series: [{ bucket: h(2), value: null }], breakdown: [] },
      ],
    });
    expect((await rows(a)).map((r) => r.value)).toEqual([0, 10, 20, 30]);
    expect((await rows(b)).map((r) => r.value)).toEqual([null]);

    const second = new Date('2026-01-03T00:00:00Z');
    await replaceUnitWindow(handle.db, {
      window: { start: h(1), end: h(3) },
      now: second,
      writes: [{ metricId: a, series: [{ bucket: h(1), value: 10 }], breakdown: [] }],
    });
    const after = await rows(a);
    // h(0) and h(3) are outside the window; h(1) is unchanged (kept, not rewritten); h(2) disappeared.
    expect(after.map((r) => [r.bucketStart.getUTCHours(), r.value])).toEqual([
      [0, 0],
      [1, 10],
      [3, 30],
    ]);
    expect(after.every((r) => r.updatedAt.getTime() === first.getTime())).toBe(true);
    expect(await handle.db.select().from(breakdownValues).where(eq(breakdownValues.metricId, a))).toEqual([]);
    expect((await rows(b)).map((r) => r.value)).toEqual([null]);
  });
});
