import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { breakdownValues, factTables, metricValues, metrics } from '@/db/schema';
import { createTestProject, openTestDb } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';

let handle: DbHandle;
beforeAll(async () => {
  handle = await openTestDb();
});
afterAll(async () => handle?.close());

/** drizzle wraps driver errors; the SQLSTATE is on the cause. */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.cause?.code ?? e.code;
  }
}

describe('database invariants', () => {
  it('keeps one value per metric and bucket', async () => {
    const { project } = await createTestProject(handle.db);
    const { metric } = await createCountMetric(handle.db, project.id);
    const bucketStart = new Date('2026-01-01T00:00:00Z');
    await handle.db.insert(metricValues).values({ metricId: metric.id, bucketStart, value: 1 });
    expect(
      await sqlState(handle.db.insert(metricValues).values({ metricId: metric.id, bucketStart, value: 2 })),
    ).toBe('23505');
  });

  it('keeps one breakdown value per metric, bucket, dimension and value', async () => {
    const { project } = await createTestProject(handle.db);
    const { metric } = await createCountMetric(handle.db, project.id);
    const row = {
      metricId: metric.id,
      bucketStart: new Date('2026-01-01T00:00:00Z'),
      dimension: 'country',
      dimensionValue: 'DE',
      value: 3,
    };
    await handle.db.insert(breakdownValues).values(row);
    expect(await sqlState(handle.db.insert(breakdownValues).values(row))).toBe('23505');
  });

  it('refuses to delete a fact table that a metric still reads', async () => {
    const { project } = await createTestProject(handle.db);
    const { factTable } = await createCountMetric(handle.db, project.id);
    // Postgres 17 reports ON DELETE RESTRICT as 23001 restrict_violation; 15 as 23503 foreign_key_violation.
    const state = await sqlState(handle.db.delete(factTables).where(eq(factTables.id, factTable.id)));
    expect(['23001', '23503']).toContain(state);
  });

  it('deletes a metric together with its values', async () => {
    const { project } = await createTestProject(handle.db);
    const { metric } = await createCountMetric(handle.db, project.id);
    await handle.db.insert(metricValues).values({ metricId: metric.id, bucketStart: new Date(), value: 1 });
    await handle.db.delete(metrics).where(eq(metrics.id, metric.id));
    const left = await handle.db.select().from(metricValues).where(eq(metricValues.metricId, metric.id));
    expect(left).toHaveLength(0);
  });

  it('rejects a sensitivity outside 1–10 and an unknown lifecycle', async () => {
    const { project } = await createTestProject(handle.db);
    const { metric } = await createCountMetric(handle.db, project.id);
    expect(
      await sqlState(handle.db.update(metrics).set({ sensitivity: 11 }).where(eq(metrics.id, metric.id))),
    ).toBe('23514');
    expect(
      await sqlState(
        handle.db.execute(sql`update metrics set lifecycle = 'deleted' where id = ${metric.id}`),
      ),
    ).toBe('22P02');
  });

  it('treats email addresses case-insensitively', async () => {
    const fixture = await createTestProject(handle.db);
    const email = fixture.users.viewer.email.toUpperCase();
    expect(
      await sqlState(handle.db.execute(sql`insert into users (email, name) values (${email}, 'Dup')`)),
    ).toBe('23505');
  });
});
