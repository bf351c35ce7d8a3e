import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appOrigin, isSameOrigin } from '@/lib/api/origin';
import { assertPlainJson, fieldErrorsOf, MAX_BODY_BYTES, queryObject, readJsonBody } from '@/lib/api/input';
import { AppError } from '@/lib/errors';
import {
  generateApiToken,
  hashApiToken,
  looksLikeApiToken,
  sameDigest,
  tokenPrefixOf,
} from '@/lib/tokens/secret';

function fieldsOf(fn: () => unknown): Record<string, string> | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.fieldErrors;
    throw error;
  }
  return undefined;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const post = (body: string, type = 'application/json') =>
  new Request('http://localhost/api/v1/x', { method: 'POST', body, headers: { 'content-type': type } });

describe('API tokens', () => {
  it('are sl_ and 43 base64url characters, different every time, with a 10-character prefix', () => {
    const tokens = Array.from({ length: 200 }, generateApiToken);
    expect(new Set(tokens).size).toBe(200);
    for (const token of tokens) {
      expect(token).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
      expect(looksLikeApiToken(token)).toBe(true);
      expect(tokenPrefixOf(token)).toBe(token.slice(0, 10));
    }
  });

  it('are stored as their SHA-256 in hex, compared in constant time', () => {
    const token = generateApiToken();
    const hash = hashApiToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.slice(3));
    expect(sameDigest(hash, hashApiToken(token))).toBe(true);
    const lastChanged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(sameDigest(hash, hashApiToken(lastChanged))).toBe(false);
    expect(sameDigest(hash, '')).toBe(false);
  });

  it('refuses look-alikes before any lookup', () => {
    for (const bad of [
      '',
      'sl_',
      'sl_short',
      `SL_${'a'.repeat(43)}`,
      `sl_${'a'.repeat(42)}=`,
      `sl_${'a'.repeat(201)}`,
      `sl_${'a'.repeat(40)} x`,
    ]) {
      expect(looksLikeApiToken(bad), bad).toBe(false);
    }
  });
});

describe('JSON bodies', () => {
  it('refuses __proto__, constructor and prototype keys at any depth, naming the path', () => {
    expect(fieldsOf(() => assertPlainJson(JSON.parse('{"__proto__":{"admin":true}}')))).toEqual({
      ['__proto__']: 'This key is not allowed.',
    });
    expect(fieldsOf(() => assertPlainJson(JSON.parse('{"a":[{"constructor":{"prototype":1}}]}')))).toEqual({
      'a.0.constructor': 'This key is not allowed.',
    });
    expect(fieldsOf(() => assertPlainJson({ name: 'x', tags: ['a'] }))).toBeUndefined();
  });

  it('refuses JSON nested deeper than anything the API takes', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(fieldsOf(() => assertPlainJson(deep))).toBeDefined();
  });

  it('reads JSON only, refuses malformed JSON and bodies over 1 MB', async () => {
    expect(await readJsonBody(post('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJsonBody(post(''))).toBeUndefined();
    expect((await refusal(readJsonBody(post('{"a":1}', 'text/plain')))).code).toBe('validation');
    expect((await refusal(readJsonBody(post('{"a":')))).fieldErrors).toEqual({ _: 'Not valid JSON.' });
    const big = `{"a":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
    expect((await refusal(readJsonBody(post(big)))).status).toBe(413);
  });

  it('reports unknown keys at their own path', () => {
    const schema = z.object({ a: z.object({ b: z.number() }).strict() }).strict();
    const result = schema.safeParse({ a: { b: 'x', c: 1 }, id: { select: 1 } });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error as z.ZodError)).toEqual({
      'a.b': expect.any(String),
      'a.c': 'Unknown field.',
      id: 'Unknown field.',
    });
  });
});

describe('query strings', () => {
  it('refuses a parameter given twice and prototype names', () => {
    expect(queryObject(new URL('http://x/?a=1&b=2'))).toEqual({ a: '1', b: '2' });
    expect(fieldsOf(() => queryObject(new URL('http://x/?a=1&a=2')))).toEqual({
      a: 'Give this parameter once.',
    });
    expect(fieldsOf(() => queryObject(new URL('http://x/?__proto__=1')))).toEqual({
      ['__proto__']: 'This parameter is not allowed.',
    });
  });
});

describe('same-origin checks for session requests (SECURITY A6)', () => {
  const req = (headers: Record<string, string>) =>
    new Request('http://app.example:3000/api/v1/projects/p/runs', { method: 'POST', headers });

  it('accepts only an Origin equal to the app origin', () => {
    expect(
      isSameOrigin(req({ origin: 'http://app.example:3000', host: 'app.example:3000' }), undefined),
    ).toBe(true);
    expect(isSameOrigin(req({ origin: 'https://evil.example', host: 'app.example:3000' }), undefined)).toBe(
      false,
    );
    expect(isSameOrigin(req({ host: 'app.example:3000' }), undefined)).toBe(false);
    expect(isSameOrigin(req({ origin: 'null', host: 'app.example:3000' }), undefined)).toBe(false);
  });

  it('trusts APP_URL over the Host header, and never a mismatched X-Forwarded-Host', () => {
    const url = 'https://sightline.example';
    expect(isSameOrigin(req({ origin: 'https://sightline.example', host: 'internal:3000' }), url)).toBe(true);
    expect(isSameOrigin(req({ origin: 'http://app.example:3000', host: 'app.example:3000' }), url)).toBe(
      false,
    );
    expect(
      isSameOrigin(
        req({ origin: 'http://evil.example', host: 'app.example:3000', 'x-forwarded-host': 'evil.example' }),
        undefined,
      ),
    ).toBe(false);
    expect(
      isSameOrigin(
        req({
          origin: 'http://app.example:3000',
          host: 'app.example:3000',
          'x-forwarded-host': 'evil.example',
        }),
        undefined,
      ),
    ).toBe(false);
    expect(appOrigin(req({ host: 'app.example:3000' }), undefined)).toBe('http://app.example:3000');
  });
});
