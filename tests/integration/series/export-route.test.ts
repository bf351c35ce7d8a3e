/**
 * The CSV export route over its real handler and guard: the session (next-auth's reader, the one thing
 * replaced here) decides who asks; membership, roles and tenancy come from the database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET } from '@/app/(app)/p/[project]/metrics/[metricId]/export/route';
import type { DbHandle } from '@/db/client';
import { createTestProject, openTestDb, useAsAppDb, type TestProjectFixture } from '../../helpers/db';
import { createSqlMetric, hoursFrom, setWatermark, writeBreakdown, writeValues } from '../../helpers/series';

const session = vi.hoisted(() => ({ current: null as null | { uid: string; sv: number } }));
vi.mock('next-auth', () => ({ getServerSession: async () => session.current }));

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let metricId: string;
let foreignMetricId: string;

// Ranges end at the bucket in progress: the clock is pinned so the hour cannot turn during the file.
const NOW = new Date('2025-03-10T12:20:00Z');
const watermark = new Date('2025-03-10T12:00:00Z');

const signIn = (userId: string | null) => {
  session.current = userId ? { uid: userId, sv: 1 } : null;
};

const call = (projectSlug: string, id: string, query = '') =>
  GET(new Request(`http://localhost/p/${projectSlug}/metrics/${id}/export${query}`), {
    params: Promise.resolve({ project: projectSlug, metricId: id }),
  });

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  handle = await openTestDb();
  useAsAppDb(handle);
  a = await createTestProject(handle.db, 'Export A');
  b = await createTestProject(handle.db, 'Export B');
  const metric = await createSqlMetric(handle.db, a.project.id, {
    name: 'Orders "EU", hourly',
    interval: 'hour',
    valueKind: 'count',
  });
  metricId = metric.id;
  await writeValues(handle.db, metricId, [
    { at: hoursFrom(watermark, -3), value: 7 },
    { at: hoursFrom(watermark, -1), value: 2.5 },
  ]);
  await writeBreakdown(handle.db, metricId, 'dimension', [
    { at: hoursFrom(watermark, -1), value: '=HYPERLINK("http://evil")', v: 1 },
    { at: hoursFrom(watermark, -1), value: 'US, east', v: 1.5 },
    { at: hoursFrom(watermark, -1), value: '-2+3', v: null },
  ]);
  await setWatermark(handle.db, metricId, watermark);
  foreignMetricId = (await createSqlMetric(handle.db, b.project.id, { interval: 'hour', valueKind: 'count' }))
    .id;
});

beforeEach(() => signIn(null));
afterAll(async () => {
  vi.useRealTimers();
  await handle?.close();
});

describe('GET /p/[project]/metrics/[metricId]/export', () => {
  it('answers 401 without a session', async () => {
    const response = await call(a.project.slug, metricId);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
  });

  it('answers 404 to someone outside the project, exactly as for a missing project', async () => {
    signIn(b.users.admin.id);
    expect((await call(a.project.slug, metricId)).status).toBe(404);
    expect((await call('no-such-project', metricId)).status).toBe(404);
  });

  it("answers 404 for another project's metric, even to a member", async () => {
    signIn(a.users.viewer.id);
    const response = await call(a.project.slug, foreignMetricId);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(foreignMetricId);
  });

  it('streams the densified range as bucket_start,value with a safe file name', async () => {
    signIn(a.users.viewer.id);
    const response = await call(a.project.slug, metricId, '?range=24h');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toBe('attachment; filename="orders-eu-hourly-2025-03-09-to-2025-03-10.csv"');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('bucket_start,value');
    expect(lines).toHaveLength(25);
    // Before the first stored bucket nothing is known (empty); after it, a quiet hour of a count reads 0.
    expect(lines.slice(-4)).toEqual([
      `${hoursFrom(watermark, -4).toISOString()},`,
      `${hoursFrom(watermark, -3).toISOString()},7`,
      `${hoursFrom(watermark, -2).toISOString()},0`,
      `${hoursFrom(watermark, -1).toISOString()},2.5`,
    ]);
  });

  it('exports breakdown rows with formulas neutralised and separators quoted', async () => {
    signIn(a.users.viewer.id);
    const response = await call(a.project.slug, metricId, '?range=24h&breakdown=dimension');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('-by-dimension-');
    const at = hoursFrom(watermark, -1).toISOString();
    expect((await response.text()).split('\r\n')).toEqual([
      'bucket_start,dimension,dimension_value,value',
      `${at},dimension,'-2+3,`,
      `${at},dimension,"'=HYPERLINK(""http://evil"")",1`,
      `${at},dimension,"US, east",1.5`,
      '',
    ]);
  });

  it('answers 400 for a dimension the metric does not have, and falls back to defaults for a bad range', async () => {
    signIn(a.users.viewer.id);
    const response = await call(a.project.slug, metricId, '?breakdown=country');
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields.breakdown).toMatch(/dimension/);
    const fallback = await call(a.project.slug, metricId, '?range=forever&from=x');
    expect(fallback.status).toBe(200);
    expect((await fallback.text()).trimEnd().split('\r\n')).toHaveLength(169);
  });
});
