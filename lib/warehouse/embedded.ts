/**
 * The embedded demo warehouse: a PGlite database of its own under DATA_DIR/warehouse, apart from the app
 * database, so user SQL run against it can never see Sightline's own tables.
 */
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { env } from '@/lib/env';

const holder = globalThis as typeof globalThis & { __sightlineWarehouse?: Promise<PGlite> };

export function embeddedWarehouseDir(): string {
  return path.resolve(env().DATA_DIR, 'warehouse');
}

export async function openEmbeddedWarehouse(dir: string | undefined): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dir);
}

/** One instance per process, like the app database: PGlite allows one opener per directory. */
export function getEmbeddedWarehouse(): Promise<PGlite> {
  holder.__sightlineWarehouse ??= openEmbeddedWarehouse(embeddedWarehouseDir()).catch((error: unknown) => {
    holder.__sightlineWarehouse = undefined;
    throw error;
  });
  return holder.__sightlineWarehouse;
}
