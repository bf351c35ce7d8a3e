/**
 * Fixed-window counters in the app database, so every app instance shares the same limits.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { AppError } from './errors';

export type RateLimit = { key: string; limit: number; windowSeconds: number };

/** Counts one attempt against each limit; throws rate_limited (429, Retry-After) when any is exceeded. */
export async function consumeRateLimits(
  db: DbOrTx,
  limits: RateLimit[],
  now: Date = new Date(),
): Promise<void> {
  for (const { key, limit, windowSeconds } of limits) {
    const windowMs = windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const [row] = await queryRows<{ count: number }>(
      db,
      sql`insert into rate_limits (key, window_start, count) values (${key}, ${windowStart.toISOString()}, 1)
          on conflict (key, window_start) do update set count = rate_limits.count + 1
          returning count`,
    );
    if ((row?.count ?? 0) > limit) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000),
      );
      throw new AppError('rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
  }
}
