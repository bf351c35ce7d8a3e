/**
 * `npm run catalog`: a project's definitions as a YAML file, out and in (docs/definitions.md).
 *
 *   npm run catalog -- export --project acme                      print the file
 *   npm run catalog -- export --project acme --out acme.yaml      write it
 *   npm run catalog -- import --project acme --file acme.yaml     dry run: print what would change
 *   npm run catalog -- import --project acme --file acme.yaml --apply
 *
 * Runs as the system (admin role, audited as `system:cli`). Exits 1 when the file is refused, 2 on bad usage.
 * With the embedded database, stop the server first: PGlite serves one process at a time.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { systemContext } from '@/lib/context';
import { describePlan } from '@/lib/definitions/describe';
import { MAX_DEFINITIONS_FILE_BYTES } from '@/lib/definitions/schemas';
import { exportDefinitions, importDefinitions } from '@/lib/definitions/service';
import { AppError } from '@/lib/errors';
import { findProjectBySlug } from '@/lib/projects/queries';
import { closeEmbeddedWarehouseClient } from '@/lib/warehouse/embedded';
import { loadOrCreateLocalSecrets } from './secrets';

const USAGE = [
  'Usage: npm run catalog -- export --project <slug> [--out file.yaml]',
  '       npm run catalog -- import --project <slug> --file file.yaml [--apply]',
].join('\n');

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      out: { type: 'string' },
      file: { type: 'string' },
      apply: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, ...extra] = positionals;
if (command !== 'export' && command !== 'import') usage('Say export or import.');
if (extra.length > 0) usage(`Unexpected argument: ${extra[0]}`);
const slug = values.project;
if (typeof slug !== 'string' || slug === '') usage('--project is required.');
if (command === 'export' && (values.file !== undefined || values.apply))
  usage('--file and --apply are for import.');
if (command === 'import' && values.out !== undefined) usage('--out is for export.');
if (command === 'import' && typeof values.file !== 'string') usage('import needs --file <file.yaml>.');

/** Reads the file, refusing one far over the limit before it is read into memory (the service checks exactly). */
async function readDefinitions(file: string): Promise<string> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) usage(`No file ${file}.`);
  if (info.size > 4 * MAX_DEFINITIONS_FILE_BYTES) {
    console.error(
      `${file} is ${(info.size / (1024 * 1024)).toFixed(1)} MB; definitions files can be at most 1 MB.`,
    );
    process.exit(1);
  }
  return readFile(file, 'utf8');
}

if (!process.env.ENCRYPTION_KEY) {
  // A local install keeps its generated secrets under DATA_DIR (see scripts/secrets.ts).
  const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
  Object.assign(process.env, await loadOrCreateLocalSecrets(dataDir), { DATA_DIR: dataDir });
}

const text = command === 'import' ? await readDefinitions(String(values.file)) : '';
const handle = await openDb({ ...defaultDbConfig(), applicationName: 'sightline-catalog' });
let exitCode = 0;
try {
  await migrateDb(handle);
  const project = await findProjectBySlug(handle.db, slug);
  if (!project) {
    console.error(`No project "${slug}".`);
    exitCode = 2;
  } else {
    const ctx = systemContext({ project, db: handle.db, job: 'cli' });
    if (command === 'export') {
      const { yaml } = await exportDefinitions({ ctx });
      if (typeof values.out === 'string') {
        await writeFile(values.out, yaml);
        console.error(`Wrote the definitions of ${slug} to ${values.out}.`);
      } else {
        process.stdout.write(yaml);
      }
    } else {
      const result = await importDefinitions({ ctx, input: { yaml: text, apply: Boolean(values.apply) } });
      console.log(describePlan(result, { project: slug }));
    }
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(`Refused, nothing written: ${error.message}`);
  const fields = Object.entries(error.fieldErrors ?? {});
  // A single problem is already the message; several are listed one per line.
  if (fields.length > 1) for (const [field, message] of fields) console.error(`  ${field}: ${message}`);
  exitCode = 1;
} finally {
  await closeEmbeddedWarehouseClient();
  await handle.close();
}
process.exit(exitCode);
