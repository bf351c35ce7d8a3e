/**
 * SQL previews are limited per user (PREVIEW_RATE_LIMIT, 30 a minute): the 31st in a minute answers 429 with
 * Retry-After and never reaches the warehouse; fact-table previews and "Preview series" share the budget; other
 * users, malformed requests and the next minute are unaffected.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import type { Role } from '@/lib/auth/roles';
import { previewMetricSeries } from '@/lib/collection/service';
import { reloadEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { previewFactTable } from '@/lib/fact-tables/service';
import { jsonRoute } from '@/lib/http';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { createCountMetric } from '../../helpers/factories';

/** Five seconds into a minute: every call below falls in the same fixed window. */
const MINUTE_START = new Date('2026-03-02T10:15:00Z');
const NOW = new Date(MINUTE_START.getTime() + 5_000);

let handle: DbHandle;
let fixture: TestProjectFixture;
let warehouseDir: string;
let client: EmbeddedWarehouseClient;
let sourceId: string;
let factTableId: string;
let opens = 0;
const resolve = () => {
  opens += 1;
  return client;
};
const saved = process.env.PREVIEW_RATE_LIMIT;

const ctxAt = (role: Role, now: Date) => ({ ...fixture.ctx(role), now: () => now });
const preview = (role: Role, now = NOW, sql = 'SELECT * FROM orders') =>
  previewFactTable({ ctx: ctxAt(role, now), input: { dataSourceId: sourceId, sql }, resolve });

beforeAll(async () => {
  delete process.env.PREVIEW_RATE_LIMIT;
  reloadEnv();
  warehouseDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-preview-'));
  const pg = await PGlite.create(warehouseDir);
  await pg.exec(`
    create table orders (created_at timestamptz not null, amount numeric not null);
    insert into orders select timestamptz '2026-03-01 00:00:00+00' + i * interval '13 minutes', i
      from generate_series(1, 200) as i;`);
  await pg.close();
  client = new EmbeddedWarehouseClient(warehouseDir);
  handle = await openTestDb();
  fixture = await createTestProject(handle.db, 'Preview limit');
  const created = await createCountMetric(handle.db, fixture.project.id);
  sourceId = created.source.id;
  factTableId = created.factTable.id;
});

afterAll(async () => {
  await client?.close();
  await handle?.close();
  if (warehouseDir) await rm(warehouseDir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.PREVIEW_RATE_LIMIT;
  else process.env.PREVIEW_RATE_LIMIT = saved;
  reloadEnv();
});

describe('preview rate limit', () => {
  it('malformed previews cost nothing; 30 run; the 31st is 429 with Retry-After and opens no warehouse', async () => {
    for (let i = 0; i < 5; i += 1) {
      const error = await expectFailure(
        previewFactTable({ ctx: ctxAt('editor', NOW), input: { dataSourceId: 'nope', sql: '' }, resolve }),
        AppError,
      );
      expect(error.code).toBe('validation');
    }
    for (let i = 1; i <= 30; i += 1) {
      const result = await preview('editor');
      expect(result.rowCount, `preview ${i}`).toBe(100);
    }
    expect(opens).toBe(30);

    const response = await jsonRoute(() => preview('editor'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('55');
    const body = await response.json();
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/Try again in 55 seconds/);
    expect(opens).toBe(30);
  });

  it('"Preview series" shares the budget and is refused the same way', async () => {
    const error = await expectFailure(
      previewMetricSeries({
        ctx: ctxAt('editor', NOW),
        input: {
          name: 'Preview',
          interval: 'hour',
          definition: { kind: 'fact', shape: 'single', operand: { factTableId, aggregation: 'count' } },
        },
        resolve,
      }),
      AppError,
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(55);
    expect(opens).toBe(30);
  });

  it('leaves other users alone, and lets the same user preview again in the next minute', async () => {
    expect((await preview('admin')).rowCount).toBe(100);
    const nextMinute = new Date(MINUTE_START.getTime() + 60_000);
    expect((await preview('editor', nextMinute)).rowCount).toBe(100);
  });
});
