import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // WASM and native packages must stay outside the server bundle: bundled, they build fine and then fail at runtime.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'libpg-query'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
