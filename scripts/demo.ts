/**
 * `npm run demo`: one command from a fresh clone to a running Sightline with data. Migrates the embedded
 * database, seeds the demo project and warehouse, builds when the sources changed, serves, prints the logins.
 */
import path from 'node:path';
import { DEMO_PASSWORD, DEMO_USERS } from '@/db/seed/demo-catalog';
import { migrateAndSeed } from '@/db/seed/run';
import { buildIfStale } from './build-if-stale';
import { loadOrCreateLocalSecrets } from './secrets';
import { serve } from './serve';

const args = new Set(process.argv.slice(2));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
const say = (m: string) => console.log(`[demo] ${m}`);

const secrets = await loadOrCreateLocalSecrets(dataDir);
Object.assign(process.env, secrets, { DATA_DIR: dataDir });
const url = process.env.APP_URL ?? `http://localhost:${port}`;
process.env.NEXTAUTH_URL ??= url;

await migrateAndSeed({ progress: say });
await buildIfStale({ force: args.has('--rebuild'), log: say });
say(`Starting Sightline on ${url} …`);
const { exited } = await serve({ port, host, env: { ...process.env, NODE_ENV: 'production' } });

const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
console.log(`
  Sightline is running at ${url}

  Sign in with any of these demo accounts (password: ${DEMO_PASSWORD}):
${DEMO_USERS.map((u) => `    ${u.email.padEnd(width)}  ${u.role}`).join('\n')}

  Data lives in ${dataDir}. Press Ctrl+C to stop.
`);
await exited;
