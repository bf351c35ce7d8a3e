/**
 * Request ids tie a response to the log lines written while serving it. An incoming `x-request-id` (set by a
 * proxy or a client retrying) is kept when it is a plain token; anything else is replaced, so a header cannot
 * inject text or huge values into the logs.
 */
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isSaneRequestId(value: string | null | undefined): value is string {
  return typeof value === 'string' && SANE.test(value);
}

/** The request's own id when it sent a sane one, else a new UUID. */
export function requestIdOf(request: Request | undefined): string {
  const incoming = request?.headers.get(REQUEST_ID_HEADER);
  return isSaneRequestId(incoming) ? incoming : randomUUID();
}
