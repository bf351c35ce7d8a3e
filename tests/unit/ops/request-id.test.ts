/**
 * Route handlers answer with `x-request-id` and every log line written while serving the request carries the
 * same id: the client's own when it sent a plain token, a new one otherwise.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { jsonRoute } from '@/lib/http';
import { log } from '@/lib/log';
import { isSaneRequestId } from '@/lib/ops/request-id';

function captureLogs(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const capture = (line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>);
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
  return lines;
}

const request = (id?: string) =>
  new Request('http://localhost/api/x', { headers: id === undefined ? {} : { 'x-request-id': id } });

afterEach(() => vi.restoreAllMocks());

describe('request ids', () => {
  it('keeps a sane incoming id on the response and on every log line of the request', async () => {
    const lines = captureLogs();
    const response = await jsonRoute(
      async () => {
        log.info('working');
        await new Promise((r) => setTimeout(r, 5));
        log.child({ component: 'deep' }).warn('still working');
        return { ok: true };
      },
      { request: request('edge-7f3a.1') },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a.1');
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['working', 'edge-7f3a.1'],
      ['still working', 'edge-7f3a.1'],
    ]);
  });

  it('logs an unexpected error with the request id and answers with the same id, never the message', async () => {
    const lines = captureLogs();
    const response = await jsonRoute(
      async () => {
        throw new Error('connection to 10.0.0.5 refused');
      },
      { request: request() },
    );
    expect(response.status).toBe(500);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.json();
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'route failed',
      requestId: id,
      ref: body.error.ref,
    });
  });

  it('answers expected errors with the id too, and writes no error line for them', async () => {
    const lines = captureLogs();
    const response = await jsonRoute(
      async () => {
        throw new AppError('rate_limited', 'Too many attempts.', { retryAfterSeconds: 7 });
      },
      { request: request('r1') },
    );
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(lines).toEqual([]);
  });

  it('replaces ids that are not plain tokens', async () => {
    for (const bad of [
      '',
      ' lead',
      'a b',
      'x'.repeat(129),
      'quote"',
      'new\\nline',
      '{}',
      '-starts-with-dash',
    ]) {
      expect(isSaneRequestId(bad), bad).toBe(false);
      const response = await jsonRoute(async () => ({}), { request: request(bad) });
      expect(response.headers.get('x-request-id')).not.toBe(bad);
    }
    for (const good of ['abc', 'A1-b2_c3.d4:e5', '0'.repeat(128), crypto.randomUUID()]) {
      expect(isSaneRequestId(good), good).toBe(true);
    }
  });

  it('gives concurrent requests their own ids', async () => {
    const lines = captureLogs();
    await Promise.all(
      ['one', 'two', 'three'].map((id) =>
        jsonRoute(
          async () => {
            await new Promise((r) => setTimeout(r, Math.random() * 10));
            log.info(`served ${id}`);
            return null;
          },
          { request: request(id) },
        ),
      ),
    );
    for (const line of lines) expect(line.msg).toBe(`served ${String(line.requestId)}`);
    expect(lines).toHaveLength(3);
  });
});
