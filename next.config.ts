import type { NextConfig } from 'next';

/**
 * Security headers on every response (docs/operations.md). Next's App Router inlines the RSC payload as inline
 * scripts, so without per-request nonces (which would make every page dynamic) script-src needs 'unsafe-inline';
 * the dev server also evaluates code for its overlay and fast refresh. Styles: React's style attributes (charts)
 * and CodeMirror's injected style sheet. Nothing is loaded from another origin.
 */
const isDev = process.env.NODE_ENV === 'development';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
  },
];

const nextConfig: NextConfig = {
  // WASM and native packages must stay outside the server bundle: bundled, they build fine and then fail at runtime.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'libpg-query'],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
