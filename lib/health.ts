import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getDb, queryRows, type DbOrTx } from '@/db/client';

export type Health = {
  ok: boolean;
  database: 'ok' | 'unreachable';
  migrations: 'current' | 'pending' | 'unknown';
};

/** Database reachable and every committed migration applied. */
export async function checkHealth(db: DbOrTx, migrationsFolder = path.resolve('drizzle')): Promise<Health> {
  try {
    const journal = JSON.parse(
      await readFile(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: unknown[];
    };
    const [row] = await queryRows<{ applied: number }>(
      db,
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    const current = (row?.applied ?? 0) >= journal.entries.length;
    return { ok: current, database: 'ok', migrations: current ? 'current' : 'pending' };
  } catch {
    return { ok: false, database: 'unreachable', migrations: 'unknown' };
  }
}

/** Health of the process-wide database; never throws. */
export async function getHealth(): Promise<Health> {
  return getDb()
    .then(({ db }) => checkHealth(db))
    .catch(() => ({ ok: false, database: 'unreachable' as const, migrations: 'unknown' as const }));
}
