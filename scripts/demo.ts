/**
 * `npm run demo`: one command from a fresh clone to a running Sightline with data. Migrates the embedded
 * database, seeds the demo project and warehouse, builds when the sources changed, serves, prints the logins.
 */
import path from 'node:path';
import { DEMO_PASSWORD, DEMO_USERS } from '@/db/seed/demo-catalog';
import {
  loadDemoClickHouse,
  startDemoClickHouse,
  pointDemoAtWarehouse,
  wantsClickHouseDemo,
} from '@/db/seed/demo-clickhouse';
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateAndSeed } from '@/db/seed/run';
import { collectLocally } from '@/lib/collection/local';
import { reloadEnv } from '@/lib/env';
import { closeEmbeddedWarehouseClient, embeddedWarehouseDir } from '@/lib/warehouse/embedded';
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
const clickhouse = await chooseWarehouse();
await collectDemo();
await buildIfStale({ force: args.has('--rebuild'), log: say });
say(`Starting Sightline on ${url} …`);
const { exited } = await serve({ port, host, env: { ...process.env, NODE_ENV: 'production' } });

/** `--clickhouse` (or DEMO_WAREHOUSE=clickhouse): the demo's data source reads a ClickHouse copy of the warehouse. */
async function chooseWarehouse() {
  const ch = wantsClickHouseDemo(args, process.env.DEMO_WAREHOUSE)
    ? await startDemoClickHouse({ dataDir, url: process.env.CLICKHOUSE_URL, progress: say })
    : undefined;
  if (ch) {
    // A local server listens on loopback, which the outbound guard refuses unless it is allowed.
    process.env.ALLOWED_OUTBOUND_HOSTS = [process.env.ALLOWED_OUTBOUND_HOSTS, ch.host]
      .filter(Boolean)
      .join(',');
    reloadEnv();
    await loadDemoClickHouse(ch, { warehouseDir: embeddedWarehouseDir(), progress: say });
  }
  const handle = await openDb({ ...defaultDbConfig(), applicationName: 'sightline-demo' });
  try {
    await pointDemoAtWarehouse(handle.db, { ch, progress: say });
  } finally {
    await handle.close();
  }
  return ch;
}

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
try {
  await exited;
} finally {
  await clickhouse?.stop();
}
