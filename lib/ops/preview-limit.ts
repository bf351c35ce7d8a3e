/**
 * SQL previews run user SQL on a warehouse on demand, so each actor gets PREVIEW_RATE_LIMIT of them a minute,
 * shared by every preview verb and every project (one person, one budget). The verbs call this after parsing, so
 * a malformed request costs nothing, and before opening a warehouse connection, so a refused one costs nothing
 * there either. A refusal is AppError('rate_limited'): 429 with Retry-After over HTTP.
 */
import { actorId, type ServiceContext } from '@/lib/context';
import { env } from '@/lib/env';
import { consumeRateLimits } from '@/lib/rate-limit';

export const PREVIEW_WINDOW_SECONDS = 60;

export async function consumePreviewBudget(ctx: ServiceContext): Promise<void> {
  await consumeRateLimits(
    ctx.db,
    [
      {
        key: `preview:${ctx.actor.type}:${actorId(ctx.actor)}`,
        limit: env().PREVIEW_RATE_LIMIT,
        windowSeconds: PREVIEW_WINDOW_SECONDS,
      },
    ],
    ctx.now(),
  );
}
