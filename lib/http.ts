/**
 * Route handlers answer with JSON: the result, or `{ error: { code, message, fields? } }` with the error's status.
 * Unexpected errors are logged with a reference and answered as an opaque 500.
 */
import { randomUUID } from 'node:crypto';
import { AppError, statusOf, toPublicError } from './errors';
import { log } from './log';

const NO_STORE = { 'Cache-Control': 'no-store' };

export async function jsonRoute<T>(fn: () => Promise<T>, opts: { status?: number } = {}): Promise<Response> {
  try {
    return Response.json(await fn(), { status: opts.status ?? 200, headers: NO_STORE });
  } catch (error) {
    const ref = randomUUID().slice(0, 8);
    if (!(error instanceof AppError)) log.error('route failed', { ref, error });
    const headers: Record<string, string> = { ...NO_STORE };
    if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(error.retryAfterSeconds);
    }
    return Response.json({ error: toPublicError(error, ref) }, { status: statusOf(error), headers });
  }
}
