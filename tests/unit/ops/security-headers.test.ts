/** The security headers every response carries (next.config.ts headers()). */
import { describe, expect, it } from 'vitest';
import nextConfig, { SECURITY_HEADERS } from '@/next.config';

const header = (key: string) => SECURITY_HEADERS.find((h) => h.key === key)?.value;

describe('security headers', () => {
  it('apply to every path', async () => {
    const rules = await nextConfig.headers?.();
    expect(rules).toEqual([{ source: '/:path*', headers: SECURITY_HEADERS }]);
  });

  it('forbid framing, sniffing and cross-origin loading, with a CSP that allows only this origin', () => {
    expect(header('X-Frame-Options')).toBe('DENY');
    expect(header('X-Content-Type-Options')).toBe('nosniff');
    expect(header('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    expect(header('Permissions-Policy')).toContain('camera=()');
    const csp = Object.fromEntries(
      (header('Content-Security-Policy') ?? '').split('; ').map((d) => {
        const [name, ...values] = d.split(' ');
        return [name, values.join(' ')];
      }),
    );
    expect(csp).toMatchObject({
      'default-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
      'object-src': "'none'",
    });
    // Outside `next dev` nothing may be evaluated from strings.
    expect(csp['script-src']).toBe("'self' 'unsafe-inline'");
  });
});
