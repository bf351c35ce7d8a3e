/**
 * The guard of /api/metrics: `Authorization: Bearer <METRICS_TOKEN>`, or `Bearer <CRON_SECRET>` while no
 * METRICS_TOKEN is set, compared in constant time. With neither set the endpoint is off.
 *
 * There is no "loopback needs no token" rule on purpose: a route handler cannot see the peer address, only
 * `x-forwarded-for`, which a client reaching the server directly writes itself, and behind a local reverse proxy
 * every request arrives from loopback anyway.
 */
import { cronSecretMatches } from '@/lib/auth/cron';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

export function requireMetricsToken(request: Request): void {
  const { METRICS_TOKEN, CRON_SECRET } = env();
  const token = METRICS_TOKEN ?? CRON_SECRET;
  if (!token) {
    throw new AppError(
      'unavailable',
      'The metrics endpoint is off: set METRICS_TOKEN (or CRON_SECRET) and scrape with that bearer token.',
    );
  }
  if (!cronSecretMatches(request.headers.get('authorization'), token)) {
    throw new AppError(
      'unauthorized',
      METRICS_TOKEN
        ? 'Send Authorization: Bearer <METRICS_TOKEN>.'
        : 'Send Authorization: Bearer <CRON_SECRET>.',
    );
  }
}
