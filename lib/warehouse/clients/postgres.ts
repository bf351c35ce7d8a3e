import type postgres from 'postgres';
import { toWarehouseError } from '../errors';
import { runGuardedSelect, type SqlSession } from '../guarded';
import type { ConnectionInfo, QueryLimits, QueryResult, WarehouseClient, WarehouseRow } from '../types';

type Sql = postgres.Sql;
type Reserved = postgres.ReservedSql;

/**
 * postgres.js sends a query without parameters on the simple protocol, which runs `select 1; select 2` as two
 * statements. `simple: false` (honoured at runtime, missing from its types) forces the extended protocol always.
 */
export const EXTENDED_PROTOCOL = { simple: false, prepare: false } as postgres.UnsafeQueryOptions;

/** Adapts a reserved postgres.js connection; every call goes out on the extended protocol. */
export function postgresSession(conn: Pick<Reserved, 'unsafe'>): SqlSession {
  return {
    async control(text) {
      await conn.unsafe(text, [], EXTENDED_PROTOCOL);
    },
    async query(text, params) {
      const result = await conn.unsafe(text, params as postgres.ParameterOrJSON<never>[], EXTENDED_PROTOCOL);
      const columns = (result as unknown as { columns?: { name: string; type: number }[] }).columns ?? [];
      return {
        rows: [...result] as WarehouseRow[],
        fields: columns.map((c) => ({ name: c.name, typeOid: c.type })),
      };
    },
  };
}

export type PostgresConnection = {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  ssl?: false | 'require' | { ca: string; rejectUnauthorized: true };
};

/** A Postgres warehouse: a small pool per data source, every query through runGuardedSelect. */
export class PostgresWarehouseClient implements WarehouseClient {
  readonly dialect = 'postgres' as const;
  private pool: Sql | null = null;

  constructor(
    private readonly open: () => Promise<Sql>,
    private readonly searchPath = 'public',
  ) {}

  static connect(
    connection: PostgresConnection,
    opts: { maxConnections?: number; searchPath?: string; applicationName?: string } = {},
  ) {
    return new PostgresWarehouseClient(async () => {
      const { default: postgresFactory } = await import('postgres');
      return postgresFactory({
        ...connection,
        max: opts.maxConnections ?? 4,
        connect_timeout: 10,
        idle_timeout: 60,
        onnotice: () => {},
        // Lets an operator find (and cancel) Sightline's queries in pg_stat_activity; collection runs add their id.
        connection: { application_name: opts.applicationName ?? 'sightline-warehouse' },
      });
    }, opts.searchPath);
  }

  private async poolOrOpen(): Promise<Sql> {
    this.pool ??= await this.open();
    return this.pool;
  }

  async runSelect(sql: string, params: readonly unknown[], limits: QueryLimits): Promise<QueryResult> {
    const pool = await this.poolOrOpen();
    const conn = await pool.reserve().catch((error: unknown) => {
      throw toWarehouseError(error);
    });
    let healthy = true;
    try {
      return await runGuardedSelect(postgresSession(conn), sql, params, {
        ...limits,
        searchPath: this.searchPath,
      });
    } catch (error) {
      healthy = toWarehouseError(error).kind !== 'connection';
      throw error;
    } finally {
      await this.release(conn, healthy);
    }
  }

  /** DISCARD ALL drops advisory locks, prepared statements and session settings before the next user. */
  private async release(conn: Reserved, healthy: boolean) {
    try {
      if (!healthy) throw new Error('connection failed during the query');
      await conn.unsafe('DISCARD ALL', [], EXTENDED_PROTOCOL);
      conn.release();
    } catch {
      // A connection that cannot be reset is not reused: drop the pool, the next query opens a fresh one.
      const pool = this.pool;
      this.pool = null;
      await pool?.end({ timeout: 1 }).catch(() => {});
    }
  }

  async test(): Promise<ConnectionInfo> {
    const started = performance.now();
    const { rows } = await this.runSelect('select version() as version', [], {
      timeoutMs: 5_000,
      maxRows: 1,
    });
    return {
      version: String(rows[0]?.version ?? 'unknown'),
      latencyMs: Math.round(performance.now() - started),
    };
  }

  async close(): Promise<void> {
    await this.pool?.end({ timeout: 5 });
    this.pool = null;
  }
}
