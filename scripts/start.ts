/**
 * `npm run start`: production start. Checks the environment first (a missing or weak secret stops here with what
 * to set), applies migrations, then serves. `--check` only checks the environment.
 */
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { EnvError, parseEnv } from '@/lib/env';
import { loadKeyring, SecretError } from '@/lib/sources/secrets';
import { serve } from './serve';

try {
  const checked = parseEnv({ ...process.env, NODE_ENV: 'production' });
  loadKeyring(checked);
} catch (error) {
  if (!(error instanceof EnvError) && !(error instanceof SecretError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (process.argv.includes('--check')) {
  console.log('Environment OK.');
  process.exit(0);
}

const handle = await openDb(defaultDbConfig());
await migrateDb(handle);
await handle.close();

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
// next-auth reads NEXTAUTH_URL for its redirects and cookie names: one public URL setting is enough.
if (process.env.APP_URL) process.env.NEXTAUTH_URL ??= process.env.APP_URL;
const { exited } = await serve({ port, host, env: { ...process.env, NODE_ENV: 'production' } });
console.log(`Sightline is serving on ${host}:${port}.`);
await exited;
