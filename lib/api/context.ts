/**
 * The REST API's guard. A request is authorized by `Authorization: Bearer sl_…` (an API token of the project in
 * the URL) or, without that header, by the signed-in session; session requests that change something must come
 * from the app's own origin. Token requests are rate limited per token.
 */
import 'server-only';
import { getDb } from '@/db/client';
import { requireProjectContext } from '@/lib/auth/session';
import { buildContext, type ServiceContext } from '@/lib/context';
import { env } from '@/lib/env';
import { forbidden, unauthorized } from '@/lib/errors';
import { BatchedRateLimiter } from '@/lib/rate-limit';
import { INVALID_TOKEN_MESSAGE, resolveApiToken } from '@/lib/tokens/resolve';
import { isSameOrigin, SAFE_METHODS } from './origin';

const authorized = new WeakMap<Request, ServiceContext>();

/** The context requireApiContext granted this request, if it did. */
export function grantedContext(request: Request): ServiceContext | undefined {
  return authorized.get(request);
}

export const RATE_LIMIT_WINDOW_SECONDS = 60;
/** Per-token limits are counted in memory and shared through the database once a second (lib/rate-limit.ts). */
const tokenLimiter = new BatchedRateLimiter();

/** `Bearer <token>`, exactly: any other Authorization header is refused rather than ignored. */
function bearerToken(header: string): string {
  const match = /^Bearer ([^\s]+)$/.exec(header);
  if (!match?.[1]) throw unauthorized(`Send Authorization: Bearer <token>. ${INVALID_TOKEN_MESSAGE}`);
  return match[1];
}

export async function requireApiContext(request: Request, projectSlug: string): Promise<ServiceContext> {
  const header = request.headers.get('authorization');
  const ctx =
    header === null ? await sessionContext(request, projectSlug) : await tokenContext(header, projectSlug);
  authorized.set(request, ctx);
  return ctx;
}

async function tokenContext(header: string, projectSlug: string): Promise<ServiceContext> {
  const token = bearerToken(header);
  const { db } = await getDb();
  const now = new Date();
  const resolved = await resolveApiToken(db, { token, projectSlug, now });
  const limit = env().API_RATE_LIMIT_PER_MINUTE;
  if (limit > 0) {
    await tokenLimiter.consume(
      db,
      { key: `api-token:${resolved.tokenId}`, limit, windowSeconds: RATE_LIMIT_WINDOW_SECONDS },
      now,
    );
  }
  return buildContext({ project: resolved.project, role: resolved.role, actor: resolved.actor, db });
}

async function sessionContext(request: Request, projectSlug: string): Promise<ServiceContext> {
  const ctx = await requireProjectContext(projectSlug);
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && !isSameOrigin(request, env().APP_URL)) {
    throw forbidden(
      'Requests that change something with a session cookie must come from this app (the Origin header did not match). Programs should use an API token.',
    );
  }
  return ctx;
}
