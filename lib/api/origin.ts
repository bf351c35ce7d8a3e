/**
 * Cross-site request checks for cookie-authenticated API calls (SECURITY A6): a request that changes something
 * must carry an `Origin` equal to the app's own. Pure, so the rules are tested without a server.
 */

/** Methods that never change anything; everything else needs a same-origin `Origin`. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The app's origin: APP_URL when it is set, otherwise the scheme of the request URL and its `Host` header.
 * Forwarded-host headers are never trusted for this: they are what an attacker would set.
 */
export function appOrigin(request: Request, appUrl: string | undefined): string | null {
  if (appUrl) return new URL(appUrl).origin;
  const host = request.headers.get('host');
  const url = new URL(request.url);
  if (!host) return url.origin;
  try {
    return new URL(`${url.protocol}//${host}`).origin;
  } catch {
    return null;
  }
}

/** True when the request carries an `Origin` header equal to the app origin. A missing Origin is not enough. */
export function isSameOrigin(request: Request, appUrl: string | undefined): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  const expected = appOrigin(request, appUrl);
  if (!expected) return false;
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return false;
  }
  return given === expected && forwardedHostAgrees(request, expected);
}

/** A proxy that sets X-Forwarded-Host must agree with the app origin, or the request is refused. */
function forwardedHostAgrees(request: Request, expected: string): boolean {
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  if (!forwarded) return true;
  return new URL(expected).host === forwarded.toLowerCase();
}
