/**
 * `npm run collect`: collect metrics now, with progress per fact table; exits non-zero when a metric fails.
 *
 *   npm run collect                                   what is due, in every project
 *   npm run collect -- --project acme --force         re-collect acme's recent buckets
 *   npm run collect -- --project acme --metric Orders --backfill 2026-01-01 2026-02-01
 *
 * With the embedded database, stop the server first: PGlite serves one process at a time.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { collectLocally, LocalCollectError } from '@/lib/collection/local';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
import { loadOrCreateLocalSecrets } from './secrets';

const USAGE = `Usage: npm run collect -- [--project <slug>] [--metric <name or id>]… [--force] [--backfill <from> <to>]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      metric: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      backfill: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

let backfill: { from: Date; to: Date } | undefined;
if (values.backfill) {
  const [from, to] = positionals.map((p) => new Date(p));
  if (
    positionals.length !== 2 ||
    !from ||
    !to ||
    Number.isNaN(from.getTime()) ||
    Number.isNaN(to.getTime())
  ) {
    fail('--backfill needs two dates: --backfill 2026-01-01 2026-02-01');
  }
  if (from.getTime() >= to.getTime()) fail('--backfill: the first date must be before the second.');
  backfill = { from, to };
} else if (positionals.length > 0) {
  fail(`Unexpected argument: ${positionals[0]}`);
}

if (!process.env.ENCRYPTION_KEY) {
  // A local install keeps its generated secrets under DATA_DIR (see scripts/secrets.ts).
  const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
  Object.assign(process.env, await loadOrCreateLocalSecrets(dataDir), { DATA_DIR: dataDir });
}

const handle = await openDb({ ...defaultDbConfig(), applicationName: 'sightline-collect' });
let exitCode = 0;
try {
  await migrateDb(handle);
  const { failed } = await collectLocally(
    { db: handle.db },
    {
      project: values.project as string | undefined,
      metrics: values.metric as string[] | undefined,
      force: Boolean(values.force),
      backfill,
    },
    (line) => console.log(line),
  );
  if (failed > 0) exitCode = 1;
} catch (error) {
  if (!(error instanceof LocalCollectError)) throw error;
  console.error(error.message);
  exitCode = 2;
} finally {
  await closeEmbeddedWarehouseClient();
  await handle.close();
}
process.exit(exitCode);
