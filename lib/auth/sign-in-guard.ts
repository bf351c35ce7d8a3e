/**
 * Checks a credentials sign-in before next-auth sees it: body size, required fields, and attempt limits.
 * next-auth alone would answer a 10 MB body or an empty form with a redirect; these get a 4xx that says why.
 */
import { getDb, type DbOrTx } from '@/db/client';
import { env } from '@/lib/env';
import { AppError, toFieldErrors } from '@/lib/errors';
import { clientAddress, readBodyCapped } from '@/lib/http/body';
import { consumeRateLimits } from '@/lib/rate-limit';
import { credentialsSchema } from './credentials';

export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;

/** Returns the body text for next-auth to read again; throws AppError for anything it refuses. */
export async function guardCredentialsSignIn(req: Request, db: DbOrTx): Promise<string> {
  const body = await readBodyCapped(req, MAX_SIGN_IN_BODY_BYTES);
  const contentType = req.headers.get('content-type') ?? '';
  let fields: Record<string, unknown>;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    fields = Object.fromEntries(new URLSearchParams(body));
  } else if (contentType.includes('application/json')) {
    fields = parseJsonObject(body);
  } else {
    throw new AppError('validation', 'Send the sign-in form as application/x-www-form-urlencoded.');
  }
  const parsed = credentialsSchema.safeParse({ email: fields.email ?? '', password: fields.password ?? '' });
  if (!parsed.success) {
    const fieldErrors = toFieldErrors(parsed.error);
    throw new AppError('validation', Object.values(fieldErrors)[0] ?? 'Enter your email and password.', {
      fieldErrors,
    });
  }
  const perMinute = env().LOGIN_RATE_LIMIT;
  await consumeRateLimits(db, [
    { key: `sign-in:email:${parsed.data.email.toLowerCase()}`, limit: perMinute, windowSeconds: 60 },
    { key: `sign-in:address:${clientAddress(req)}`, limit: perMinute * 3, windowSeconds: 60 },
  ]);
  return body;
}

/** The same check on the process-wide database, for the sign-in route. */
export async function guardSignInRequest(req: Request): Promise<string> {
  const { db } = await getDb();
  return guardCredentialsSignIn(req, db);
}

function parseJsonObject(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the validation error below
  }
  throw new AppError('validation', 'The sign-in body is not a JSON object.');
}
