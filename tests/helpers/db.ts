import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDb, type DbHandle, type DbOrTx } from '@/db/client';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/lib/auth/roles';
import { buildContext, type ServiceContext } from '@/lib/context';
import { insertProject, upsertMembership, upsertUser } from '@/lib/projects/queries';

/** A migrated database for one test file: a PGlite copy of the template, or the run's Postgres database. */
export async function openTestDb(): Promise<DbHandle> {
  const url = inject('testDatabaseUrl');
  if (url) return openDb({ databaseUrl: url, applicationName: 'sightline-test' });
  return openIsolatedTestDb();
}

/**
 * A migrated PGlite database of this file's own, even when the run has a Postgres server: for tests of
 * whole-database jobs (a cron tick collects every project) that must not see other files' projects.
 */
export async function openIsolatedTestDb(): Promise<DbHandle> {
  const url = inject('testDatabaseUrl');
  if (url) return openScratchServerDb(url);
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const schema = await import('@/db/schema');
  const dump = await readFile(inject('pgliteTemplate'));
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) });
  const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as DbHandle['db'];
  return { db, driver: 'pglite', close: () => client.close() };
}

/** A migrated database of its own on the run's server, dropped on close. */
async function openScratchServerDb(testUrl: string): Promise<DbHandle> {
  const { default: postgres } = await import('postgres');
  const { migrateDb } = await import('@/db/migrate');
  const admin = postgres(testUrl, { max: 1, onnotice: () => {} });
  const name = `sightline_scratch_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(testUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), applicationName: 'sightline-test' });
  await migrateDb(handle);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Makes route handlers and services that call getDb() use the test database. */
export function useAsAppDb(handle: DbHandle): void {
  (globalThis as { __sightlineDb?: Promise<DbHandle> }).__sightlineDb = Promise.resolve(handle);
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');

export type TestUser = { id: string; email: string; password: string };
export type TestProjectFixture = {
  project: { id: string; slug: string; name: string; timeZone: string };
  users: Record<Role, TestUser>;
  ctx: (role: Role, db?: DbOrTx) => ServiceContext;
};

let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

/** A project with one member per role; unique names so files can share a Postgres database. */
export async function createTestProject(db: DbOrTx, name = 'Test project'): Promise<TestProjectFixture> {
  const suffix = uniqueSuffix();
  const project = await insertProject(db, { slug: `test-${suffix}`, name: `${name} ${suffix}` });
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const hash = await passwordHash;
  const users = {} as Record<Role, TestUser>;
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    const email = `${role}-${suffix}@example.test`;
    const { id } = await upsertUser(db, { email, name: `${role} ${suffix}`, passwordHash: hash });
    await upsertMembership(db, { projectId: project.id, userId: id, role });
    users[role] = { id, email, password: TEST_PASSWORD };
  }
  return {
    project,
    users,
    ctx: (role, handle = db) =>
      buildContext({
        project,
        role,
        db: handle,
        actor: { type: 'user', userId: users[role].id, label: users[role].email },
      }),
  };
}
