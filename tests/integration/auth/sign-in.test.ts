import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { BAD_CREDENTIALS_MESSAGE, verifyCredentials } from '@/lib/auth/credentials';
import { guardCredentialsSignIn } from '@/lib/auth/sign-in-guard';
import { AppError } from '@/lib/errors';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { users } from '@/db/schema';
import { eq } from 'drizzle-orm';

let handle: DbHandle;
let fixture: TestProjectFixture;
beforeAll(async () => {
  handle = await openTestDb();
  fixture = await createTestProject(handle.db);
});
afterAll(async () => handle?.close());

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api/auth/callback/credentials', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': '203.0.113.9',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the sign-in to be refused');
}

describe('checking credentials', () => {
  it('accepts the right password, whatever the case of the email', async () => {
    const user = await verifyCredentials(handle.db, {
      email: fixture.users.viewer.email.toUpperCase(),
      password: fixture.users.viewer.password,
    });
    expect(user?.id).toBe(fixture.users.viewer.id);
  });

  it('refuses a wrong password, an unknown user and a deactivated user alike', async () => {
    const { email, password } = fixture.users.editor;
    expect(await verifyCredentials(handle.db, { email, password: `${password}x` })).toBeNull();
    expect(
      await verifyCredentials(handle.db, { email: `nobody-${uniqueSuffix()}@example.test`, password }),
    ).toBeNull();
    await handle.db.update(users).set({ isActive: false }).where(eq(users.id, fixture.users.editor.id));
    expect(await verifyCredentials(handle.db, { email, password })).toBeNull();
    expect(BAD_CREDENTIALS_MESSAGE).toMatch(/incorrect/);
  });
});

describe('the sign-in request guard', () => {
  it('passes a well-formed form through unchanged', async () => {
    const body = await guardCredentialsSignIn(
      form({ email: fixture.users.admin.email, password: 'x', csrfToken: 't' }),
      handle.db,
    );
    expect(new URLSearchParams(body).get('csrfToken')).toBe('t');
  });

  it('names the empty fields with a 400', async () => {
    const error = await refusal(guardCredentialsSignIn(form({ email: '', password: '' }), handle.db));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toMatchObject({
      email: 'Email is required.',
      password: 'Password is required.',
    });
  });

  it('refuses a malformed email and text with NUL bytes', async () => {
    expect(
      (await refusal(guardCredentialsSignIn(form({ email: 'not-an-email', password: 'x' }), handle.db)))
        .fieldErrors,
    ).toMatchObject({ email: 'Enter a valid email address.' });
    const nul = await refusal(
      guardCredentialsSignIn(form({ email: 'a@b.co', password: 'x\u0000y' }), handle.db),
    );
    expect(nul.fieldErrors?.password).toMatch(/NUL/);
  });

  it('refuses a 10 MB body with 413 without reading it all', async () => {
    const big = 'a'.repeat(10 * 1024 * 1024);
    const declared = await refusal(guardCredentialsSignIn(form({ email: big, password: 'x' }), handle.db));
    expect(declared.status).toBe(413);
    // A chunked body with no Content-Length is cut off as it streams.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const chunked = new Request('http://localhost/x', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await refusal(guardCredentialsSignIn(chunked, handle.db))).status).toBe(413);
  });

  it('rate-limits repeated attempts on one email with 429 and Retry-After', async () => {
    const email = `target-${uniqueSuffix()}@example.test`;
    const attempts = [];
    for (let i = 0; i < 12; i++) {
      attempts.push(
        await guardCredentialsSignIn(form({ email, password: 'guess' }), handle.db).then(
          () => null,
          (e: unknown) => e,
        ),
      );
    }
    const refused = attempts.filter((e): e is AppError => e instanceof AppError);
    expect(attempts.slice(0, 10).every((e) => e === null)).toBe(true);
    expect(refused).toHaveLength(2);
    expect(refused[0]?.status).toBe(429);
    expect(refused[0]?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses a JSON body that is not an object', async () => {
    const req = new Request('http://localhost/x', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect((await refusal(guardCredentialsSignIn(req, handle.db))).status).toBe(400);
  });
});
