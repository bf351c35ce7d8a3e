import path from 'node:path';
import type { DbHandle } from './client';

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), 'drizzle');

/** Applies the committed drizzle migrations; the same files serve PGlite and the Postgres server. */
export async function migrateDb(handle: DbHandle): Promise<void> {
  if (handle.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // The cast is safe: the handle was opened by openDb with the PGlite driver.
    await migrate(handle.db as unknown as Parameters<typeof migrate>[0], {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
    return;
  }
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  await migrate(handle.db as unknown as Parameters<typeof migrate>[0], {
    migrationsFolder: MIGRATIONS_FOLDER,
  });
}
