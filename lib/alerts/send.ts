/**
 * One webhook POST. The outbound guard runs right before it (a name that resolved public at save time may
 * resolve internal now), the socket goes to the address the guard checked (no second lookup to rebind), a
 * timeout aborts a receiver that never answers, and redirects are never followed: a 3xx is a failed attempt.
 * Error messages name the host at most, never the URL: its path is a credential.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { AppError } from '@/lib/errors';
import {
  createPinnedLookup,
  WEBHOOK_FETCH_OPTIONS,
  type CheckedWebhook,
  type OutboundDeps,
} from '@/lib/net/outbound-guard';
import { checkWebhookTarget } from './target';

/** Long enough for a slow receiver, short enough that a hanging one never holds a tick (SECURITY R10). */
export const SEND_TIMEOUT_MS = 10_000;

export type SendOptions = {
  timeoutMs?: number;
  /** Posts with this fetch instead of the pinned node:http client (still checked, timed out, redirect: manual). */
  fetchImpl?: typeof fetch;
  outbound?: OutboundDeps;
};

export type SendOutcome =
  | { ok: true; statusCode: number; durationMs: number }
  | { ok: false; statusCode: number | null; error: string; durationMs: number };

export async function sendWebhook(
  request: { url: string; headers: Record<string, string>; body: string },
  opts: SendOptions = {},
): Promise<SendOutcome> {
  const timeoutMs = opts.timeoutMs ?? SEND_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let checked: CheckedWebhook;
  try {
    checked = await checkWebhookTarget(request.url, opts.outbound);
  } catch (error) {
    if (error instanceof AppError)
      return { ok: false, statusCode: null, error: error.message, durationMs: elapsed() };
    throw error;
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const statusCode = opts.fetchImpl
      ? await postWithFetch(opts.fetchImpl, checked, request, signal)
      : await postPinned(checked, request, signal);
    const durationMs = elapsed();
    if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode, durationMs };
    const error =
      statusCode === 0 || (statusCode >= 300 && statusCode < 400)
        ? `${checked.url.host} answered with a redirect (${statusCode}); webhooks never follow redirects.`
        : `${checked.url.host} answered ${statusCode}.`;
    return { ok: false, statusCode: statusCode === 0 ? null : statusCode, error, durationMs };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: describeFailure(error, checked, timeoutMs),
      durationMs: elapsed(),
    };
  }
}

async function postWithFetch(
  fetchImpl: typeof fetch,
  checked: CheckedWebhook,
  request: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
): Promise<number> {
  const response = await fetchImpl(checked.url.toString(), {
    ...WEBHOOK_FETCH_OPTIONS,
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal,
  });
  await response.body?.cancel().catch(() => {});
  // A browser-style fetch reports a manual redirect as an opaque response with status 0.
  return response.type === 'opaqueredirect' ? 0 : response.status;
}

/** node:http(s) pinned to the checked addresses; TLS still verifies the certificate for the URL's host name. */
function postPinned(
  checked: CheckedWebhook,
  request: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
): Promise<number> {
  const url = checked.url;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: checked.host,
        port: checked.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: {
          ...request.headers,
          host: url.host,
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'Sightline-Webhooks/1',
        },
        lookup: createPinnedLookup(checked),
        // A fresh connection per send: a pooled socket could belong to an address checked earlier.
        agent: false,
        signal,
      },
      (res) => {
        // Only the status matters; drain the body so the socket closes.
        res.resume();
        res.on('error', () => {});
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

function describeFailure(error: unknown, checked: CheckedWebhook, timeoutMs: number): string {
  const host = checked.url.host;
  const name = error instanceof Error ? error.name : '';
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR') {
    return `${host} did not answer within ${timeoutMs} ms.`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `${host} refused the connection.`;
    case 'ECONNRESET':
      return `${host} closed the connection before answering.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host} could not be resolved.`;
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      return `${host} did not answer within ${timeoutMs} ms.`;
    default:
      // Driver messages can carry the request URL; only the code is kept.
      return typeof code === 'string' ? `Sending to ${host} failed (${code}).` : `Sending to ${host} failed.`;
  }
}
