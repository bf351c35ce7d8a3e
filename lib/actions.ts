/**
 * Server actions return expected errors as values ({ ok: false, … }) rather than throwing: Next hides thrown
 * messages in production, and the forms need the field errors.
 */
import { randomUUID } from 'node:crypto';
import { unstable_rethrow } from 'next/navigation';
import { AppError, toPublicError, type PublicError } from './errors';
import { log } from './log';

export type ActionResult<T> = { ok: true; data: T } | ({ ok: false } & PublicError);

export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    unstable_rethrow(error);
    const ref = randomUUID().slice(0, 8);
    if (!(error instanceof AppError)) log.error('server action failed', { ref, error });
    return { ok: false, ...toPublicError(error, ref) };
  }
}
