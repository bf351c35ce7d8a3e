/**
 * The embedded demo warehouse: a PGlite database of its own under DATA_DIR/warehouse, apart from the app
 * database, so user SQL run against it can never see Sightline's own tables.
 */
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { env } from '@/lib/env';
import { EmbeddedWarehouseClient } from './clients/embedded';

const holder = globalThis as typeof globalThis & { __sightlineWarehouse?: EmbeddedWarehouseClient };

export function embeddedWarehouseDir(): string {
  return path.resolve(env().DATA_DIR, 'warehouse');
}

/** Opens the warehouse in this process, for the seed; the app reads it through getEmbeddedWarehouseClient. */
export async function openEmbeddedWarehouse(dir: string | undefined): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dir);
}

/** One worker per process, like the app database: PGlite allows one opener per directory. */
export function getEmbeddedWarehouseClient(): EmbeddedWarehouseClient {
  holder.__sightlineWarehouse ??= new EmbeddedWarehouseClient(embeddedWarehouseDir());
  return holder.__sightlineWarehouse;
}

/** Closes this process's warehouse worker (scripts do, before another process opens the directory). */
export async function closeEmbeddedWarehouseClient(): Promise<void> {
  const client = holder.__sightlineWarehouse;
  holder.__sightlineWarehouse = undefined;
  await client?.close();
}
