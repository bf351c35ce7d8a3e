/**
 * One module picks the driver: no DATABASE_URL → embedded PGlite persisted under DATA_DIR/app; DATABASE_URL →
 * postgres.js. Nothing else knows which one it got: both give the same drizzle API over the same schema.
 */
import path from 'node:path';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  driver: 'pglite' | 'postgres';
  close: () => Promise<void>;
};

export type DbConfig = { databaseUrl?: string; pgliteDir?: string; applicationName?: string };

export function defaultDbConfig(): DbConfig {
  const e = env();
  return { databaseUrl: e.DATABASE_URL, pgliteDir: path.resolve(e.DATA_DIR, 'app') };
}

export async function openDb(config: DbConfig): Promise<DbHandle> {
  if (config.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(config.databaseUrl, {
      max: 10,
      onnotice: () => {},
      connection: { application_name: config.applicationName ?? 'sightline' },
    });
    const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as Db;
    return { db, driver: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  // An undefined dir gives an in-memory database (tests build theirs from a migrated template instead).
  const client = await PGlite.create(config.pgliteDir);
  const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return { db, driver: 'pglite', close: () => client.close() };
}

const holder = globalThis as typeof globalThis & { __sightlineDb?: Promise<DbHandle> };

/**
 * The process-wide database. Kept on globalThis because Next evaluates this module more than once (per bundle,
 * and on every dev reload) and PGlite must have exactly one instance per data directory.
 */
export function getDb(): Promise<DbHandle> {
  holder.__sightlineDb ??= openDb(defaultDbConfig()).catch((error: unknown) => {
    holder.__sightlineDb = undefined;
    throw error;
  });
  return holder.__sightlineDb;
}

/** Runs raw SQL and returns its rows, whichever driver is underneath. */
export async function queryRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
