/**
 * Warehouses seeded with the caller's tables, for tests of user SQL: the embedded warehouse (PGlite in a worker)
 * always, and the run's Postgres server when there is one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { PostgresWarehouseClient } from '@/lib/warehouse/clients/postgres';
import type { WarehouseClient } from '@/lib/warehouse/types';

export type OpenedTarget = {
  /** The current client; exec() may replace it, so read it again after exec(). */
  readonly client: WarehouseClient;
  /** Runs setup-style SQL with full rights (e.g. to add late rows), outside the read-only runner. */
  exec: (sql: string) => Promise<void>;
  cleanup: () => Promise<void>;
};

export type WarehouseTarget = { name: string; open: () => Promise<OpenedTarget> };

/**
 * @param setupSql creates the tables (runs on an empty database)
 * @param teardownSql drops them again on the shared server database before setupSql runs
 */
export function warehouseTargets({ setupSql, teardownSql }: { setupSql: string; teardownSql: string }) {
  const targets: WarehouseTarget[] = [
    {
      name: 'embedded warehouse',
      open: async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-wh-'));
        const pg = await PGlite.create(dir);
        await pg.exec(setupSql);
        await pg.close();
        // PGlite serves one process per data directory: writes close the worker, write, and reopen it.
        let client = new EmbeddedWarehouseClient(dir);
        return {
          get client() {
            return client;
          },
          exec: async (sql: string) => {
            await client.close();
            const writer = await PGlite.create(dir);
            await writer.exec(sql);
            await writer.close();
            client = new EmbeddedWarehouseClient(dir);
          },
          cleanup: async () => {
            await client.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  const serverUrl = inject('testDatabaseUrl');
  if (serverUrl) {
    targets.push({
      name: 'Postgres server',
      open: async () => {
        const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await admin.unsafe(`${teardownSql}; ${setupSql}`).simple();
        const url = new URL(serverUrl);
        // One connection, so a "next query" really reuses the connection the previous one ran on.
        const client = PostgresWarehouseClient.connect(
          { host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: url.username },
          { maxConnections: 1 },
        );
        return {
          client,
          exec: async (sql: string) => {
            await admin.unsafe(sql).simple();
          },
          cleanup: async () => {
            await client.close();
            await admin.end();
          },
        };
      },
    });
  }
  return targets;
}
