/**
 * Route handlers answer with JSON: the result, or `{ error: { code, message, fields? } }` with the error's status.
 * Unexpected errors are logged with a reference and answered as an opaque 500.
 */
import { randomUUID } from 'node:crypto';
import { AppError, statusOf, toPublicError } from './errors';
import { log, withLogFields } from './log';
import { REQUEST_ID_HEADER, requestIdOf } from './ops/request-id';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Every response carries `x-request-id` (the request's own when it sent a sane one, `opts.request`) and every log
 * line written while serving it carries the same `requestId`.
 */
export async function jsonRoute<T>(
  fn: () => Promise<T>,
  opts: { status?: number; request?: Request } = {},
): Promise<Response> {
  const requestId = requestIdOf(opts.request);
  return withLogFields({ requestId }, () => respond(fn, requestId, opts.status ?? 200));
}

async function respond<T>(fn: () => Promise<T>, requestId: string, status: number): Promise<Response> {
  try {
    return Response.json(await fn(), { status, headers: { ...NO_STORE, [REQUEST_ID_HEADER]: requestId } });
  } catch (error) {
    const ref = randomUUID().slice(0, 8);
    if (!(error instanceof AppError)) log.error('route failed', { ref, error });
    const headers: Record<string, string> = { ...NO_STORE, [REQUEST_ID_HEADER]: requestId };
    if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(error.retryAfterSeconds);
    }
    return Response.json({ error: toPublicError(error, ref) }, { status: statusOf(error), headers });
  }
}
