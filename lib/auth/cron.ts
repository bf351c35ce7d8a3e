/**
 * The cron route's guard: `Authorization: Bearer $CRON_SECRET` (the Vercel Cron convention), compared in
 * constant time. With no secret configured it fails closed: nobody gets in.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when the header is exactly `Bearer <secret>`; hashing first makes the comparison length-independent. */
export function cronSecretMatches(header: string | null, secret: string | undefined): boolean {
  if (!secret || !header) return false;
  return timingSafeEqual(digest(header), digest(`Bearer ${secret}`));
}

export function requireCronSecret(request: Request): void {
  const secret = env().CRON_SECRET;
  if (!secret) {
    throw new AppError(
      'unavailable',
      'Collection by cron is off: set CRON_SECRET to enable /api/cron/collect.',
    );
  }
  if (!cronSecretMatches(request.headers.get('authorization'), secret)) {
    throw new AppError('unauthorized', 'Send Authorization: Bearer <CRON_SECRET>.');
  }
}
