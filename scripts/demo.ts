/**
 * `npm run demo`: one command from a fresh clone to a running Sightline with data. Migrates the embedded
 * database, seeds the demo project and warehouse, builds when the sources changed, serves, prints the logins.
 */
import path from 'node:path';
import { DEMO_PASSWORD, DEMO_USERS } from '@/db/seed/demo-catalog';
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateAndSeed } from '@/db/seed/run';
import { collectLocally } from '@/lib/collection/local';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
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
await collectDemo();
await buildIfStale({ force: args.has('--rebuild'), log: say });
say(`Starting Sightline on ${url} …`);
const { exited } = await serve({ port, host, env: { ...process.env, NODE_ENV: 'production' } });

/** Collects what is due before the server starts, so the catalog opens with values (the first run: all history). */
async function collectDemo() {
  say('Collecting metrics (the first run collects 120 days of history)…');
  const handle = await openDb({ ...defaultDbConfig(), applicationName: 'sightline-demo' });
  try {
    const { failed } = await collectLocally({ db: handle.db }, {}, (line) => say(line));
    if (failed > 0) say(`${failed} metrics failed to collect; their errors show in the catalog.`);
  } finally {
    await closeEmbeddedWarehouseClient();
    await handle.close();
  }
}

const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
console.log(`
  Sightline is running at ${url}

  Sign in with any of these demo accounts (password: ${DEMO_PASSWORD}):
${DEMO_USERS.map((u) => `    ${u.email.padEnd(width)}  ${u.role}`).join('\n')}

  Data lives in ${dataDir}. Press Ctrl+C to stop.
`);
await exited;
