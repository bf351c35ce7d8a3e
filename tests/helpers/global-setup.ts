/**
 * Integration tests run on PGlite by default. With DATABASE_URL set they run on that Postgres server instead, in a
 * fresh database created here and dropped afterwards; the URL's own database is only used to create it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../db/client';
import { migrateDb } from '../../db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    testDatabaseUrl: string;
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return setupServer(project, serverUrl);
  return setupPglite(project);
}

async function setupPglite(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-test-'));
  const handle = await openDb({});
  await migrateDb(handle);
  // Reach the PGlite client behind drizzle to dump the migrated database once; each test file loads the dump.
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  const dump = await client.dumpDataDir('gzip');
  const file = path.join(dir, 'template.tar.gz');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteTemplate', file);
  project.provide('testDatabaseUrl', '');
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

async function setupServer(project: TestProject, serverUrl: string) {
  const url = new URL(serverUrl);
  // Never create or drop databases anywhere but on this machine.
  if (!LOCAL_HOSTS.has(url.hostname))
    throw new Error(`Refusing to run tests against non-local host ${url.hostname}.`);
  const { default: postgres } = await import('postgres');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `sightline_test_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const testUrl = new URL(serverUrl);
  testUrl.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: testUrl.toString() });
  await migrateDb(handle);
  await handle.close();
  project.provide('pgliteTemplate', '');
  project.provide('testDatabaseUrl', testUrl.toString());
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
