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

/** How often a process adds what it counted locally to the shared counter and learns the others' counts. */
export const RATE_SYNC_EVERY_MS = 1_000;

type LocalWindow = {
  windowStart: number;
  /** The shared count as of the last sync, this process's synced attempts included. */
  shared: number;
  /** Attempts being added to the shared count right now. */
  inFlight: number;
  /** Attempts counted here and not yet sent. */
  pending: number;
  syncedAt: number;
  syncing: Promise<void> | null;
};

/**
 * A fixed-window limit for hot paths (API tokens): attempts are counted in memory and added to the shared
 * `rate_limits` row at most once a second per key and process, so a busy token costs one write a second rather
 * than one a request. Within one process the limit is exact; across N processes a window may admit up to what the
 * others counted in their last second on top. Sign-in and previews keep the exact, per-attempt consumeRateLimits.
 */
export class BatchedRateLimiter {
  private readonly windows = new Map<string, LocalWindow>();

  constructor(private readonly syncEveryMs = RATE_SYNC_EVERY_MS) {}

  async consume(db: DbOrTx, { key, limit, windowSeconds }: RateLimit, now: Date = new Date()): Promise<void> {
    const windowMs = windowSeconds * 1000;
    const at = now.getTime();
    const windowStart = Math.floor(at / windowMs) * windowMs;
    let window = this.windows.get(key);
    if (!window || window.windowStart !== windowStart) {
      if (this.windows.size >= 10_000) this.dropOldWindows(windowStart);
      window = { windowStart, shared: 0, inFlight: 0, pending: 0, syncedAt: -Infinity, syncing: null };
      this.windows.set(key, window);
    }
    if (!window.syncing && at - window.syncedAt >= this.syncEveryMs) {
      const current = window;
      current.syncing = this.sync(db, key, current, at).finally(() => {
        current.syncing = null;
      });
      // Later syncs run behind the answer; a failed one is retried by the next attempt.
      current.syncing.catch(() => {});
    }
    // Until a window's first sync is back, what other processes spent in it is unknown: wait for it.
    if (window.syncedAt === -Infinity && window.syncing) await window.syncing;
    if (window.shared + window.inFlight + window.pending + 1 > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000));
      throw new AppError('rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
    window.pending += 1;
  }

  private async sync(db: DbOrTx, key: string, window: LocalWindow, at: number): Promise<void> {
    const adding = window.pending;
    window.pending = 0;
    window.inFlight = adding;
    try {
      const [row] = await queryRows<{ count: number }>(
        db,
        sql`insert into rate_limits (key, window_start, count)
            values (${key}, ${new Date(window.windowStart).toISOString()}, ${adding})
            on conflict (key, window_start) do update set count = rate_limits.count + excluded.count
            returning count`,
      );
      window.shared = Math.max(window.shared + adding, row?.count ?? 0);
      window.syncedAt = at;
    } catch (error) {
      window.pending += adding;
      throw error;
    } finally {
      window.inFlight = 0;
    }
  }

  /** Resolves when the syncs under way have finished (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.windows.values()].map((w) => w.syncing));
  }

  private dropOldWindows(current: number): void {
    for (const [key, window] of this.windows) if (window.windowStart < current) this.windows.delete(key);
  }
}
