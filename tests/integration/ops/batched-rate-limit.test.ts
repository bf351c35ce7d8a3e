/**
 * The API tokens' limiter counts in memory and shares its counts through the database once a second. Two limiter
 * instances stand for two app processes on one database: within one the limit is exact; a process that starts in
 * a window begins from what the others already spent; each learns the others' spending at its next sync.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '@/db/client';
import type { AppError } from '@/lib/errors';
import { BatchedRateLimiter, RATE_SYNC_EVERY_MS, type RateLimit } from '@/lib/rate-limit';
import { openTestDb } from '../../helpers/db';

const WINDOW_START = new Date('2026-03-02T10:15:00Z');
const at = (ms: number) => new Date(WINDOW_START.getTime() + ms);

let handle: DbHandle;
beforeAll(async () => {
  handle = await openTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const limitOf = (limit: number): RateLimit => ({ key: `test:${randomUUID()}`, limit, windowSeconds: 60 });

/** Consumes `n` attempts at `now`; the number admitted and the first refusal, if any. */
async function attempts(limiter: BatchedRateLimiter, limit: RateLimit, n: number, now: Date) {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    try {
      await limiter.consume(handle.db, limit, now);
      admitted++;
    } catch (error) {
      return { admitted, refusal: error as AppError };
    }
  }
  return { admitted, refusal: null };
}

async function sharedCount(key: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    handle.db,
    sql`select coalesce(sum(count), 0)::int as count from rate_limits where key = ${key}`,
  );
  return row?.count ?? 0;
}

describe('BatchedRateLimiter', () => {
  it('admits exactly the limit in one process, then answers rate_limited with the seconds left', async () => {
    const limit = limitOf(5);
    const result = await attempts(new BatchedRateLimiter(), limit, 8, at(15_000));
    expect(result.admitted).toBe(5);
    expect(result.refusal?.code).toBe('rate_limited');
    expect(result.refusal?.retryAfterSeconds).toBe(45);
  });

  it('writes the shared counter at most once a second, not once per attempt', async () => {
    const limit = limitOf(1_000);
    const limiter = new BatchedRateLimiter();
    await attempts(limiter, limit, 50, at(1_000));
    // Only the window's first sync (before anything was counted) has reached the database so far.
    expect(await sharedCount(limit.key)).toBe(0);
    await attempts(limiter, limit, 1, at(1_000 + RATE_SYNC_EVERY_MS));
    await limiter.settled();
    expect(await sharedCount(limit.key)).toBe(50);
  });

  it("a second process starts from what the first spent, and the first learns the second's spending", async () => {
    const limit = limitOf(10);
    const first = new BatchedRateLimiter();
    expect((await attempts(first, limit, 6, at(1_000))).admitted).toBe(6);
    // The first process's next attempt, a second later, sends its six to the shared counter.
    expect((await attempts(first, limit, 1, at(2_000))).admitted).toBe(1);
    await first.settled();

    // The second starts from the six; the first's seventh is still in its memory (the overshoot the design allows).
    const second = new BatchedRateLimiter();
    const seconds = await attempts(second, limit, 10, at(2_500));
    expect(seconds.admitted).toBe(4);
    expect(seconds.refusal?.code).toBe('rate_limited');

    // The second's four reach the counter at its next sync; the first then learns the window is spent.
    await attempts(second, limit, 1, at(3_500));
    await second.settled();
    await attempts(first, limit, 1, at(3_500));
    await first.settled();
    expect((await attempts(first, limit, 5, at(3_600))).admitted).toBe(0);
  });

  it('starts over in the next window', async () => {
    const limit = limitOf(2);
    const limiter = new BatchedRateLimiter();
    expect((await attempts(limiter, limit, 3, at(59_000))).admitted).toBe(2);
    expect((await attempts(limiter, limit, 3, at(61_000))).admitted).toBe(2);
  });
});
