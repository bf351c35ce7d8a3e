/**
 * A ClickHouse warehouse over the HTTP interface (@clickhouse/client), for servers from 18.16 on.
 *
 * Every request carries its limits as HTTP settings, never in the SQL text: readonly=1, max_execution_time,
 * timeout_overflow_mode and result_overflow_mode 'throw', max_result_rows, max_memory_usage, and
 * wait_end_of_query=1 so an error found after the first rows still comes back as an error, not a cut-off
 * body. Each query has a query_id, `<prefix>-<uuid>`; a query that outlives its time limit on the client side,
 * or whose caller aborts, is killed with `KILL QUERY WHERE query_id = …` (the server would otherwise run it on
 * after the client has gone), and killByPrefix stops every query of a prefix (a reaped collection run's). The
 * first query of a client reads the effective settings back from system.settings and refuses to go on if the
 * server did not apply them.
 *
 * User SQL is checked again here by the ClickHouse guard (a SETTINGS clause, a FORMAT clause or a table
 * function never reaches the server), and `{{name}}` placeholders are replaced by literals rendered by
 * ../clickhouse-literals — ClickHouse 18.16 has no query parameters.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { ClickHouseClient } from '@clickhouse/client';
import { TZDate } from '@date-fns/tz';
import { checkSelect } from '@/lib/sql/guard';
import { findClickHousePlaceholders } from '@/lib/sql/clickhouse';
import { toClickHouseError } from '../clickhouse-errors';
import { chString, chValue, ClickHouseLiteralError } from '../clickhouse-literals';
import { WarehouseError } from '../errors';
import { bucketOfClickHouseType, unwrapClickHouseType } from '../type-buckets';
import type {
  ConnectionInfo,
  QueryLimits,
  QueryResult,
  WarehouseClient,
  WarehouseColumn,
  WarehouseRow,
} from '../types';

export type ClickHouseConnection = {
  protocol: 'http' | 'https';
  /** The address to connect to: the one the outbound guard checked. */
  host: string;
  port: number;
  /** The name the server's certificate must be valid for (the host the admin entered). */
  servername?: string;
  database: string;
  user: string;
  password?: string;
  /** Trusted CA certificates (PEM) instead of the system's. */
  caPem?: string;
};

export type ClickHouseClientOptions = {
  /** Start of every query_id, so an operator (or a reaper) can find and kill this client's queries. */
  queryIdPrefix?: string;
  /** How long past max_execution_time the client waits for the server before it kills the query itself. */
  graceMs?: number;
  maxConnections?: number;
};

/** Memory one query may use on the server (bytes); a server profile with constraints may lower it. */
export const MAX_MEMORY_USAGE = 4_000_000_000;
const KILL_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_ID_PREFIX = 'sightline';

type Settings = Record<string, string>;

/** The settings every request carries (S8); also what the first query reads back. */
export function limitSettings(limits: QueryLimits): Settings {
  return {
    readonly: '1',
    max_execution_time: String(Math.max(1, Math.ceil(limits.timeoutMs / 1000))),
    timeout_overflow_mode: 'throw',
    max_result_rows: String(Math.max(1, Math.floor(limits.maxRows))),
    result_overflow_mode: 'throw',
    max_memory_usage: String(MAX_MEMORY_USAGE),
  };
}

/**
 * Replaces each `{{name}}` placeholder (outside strings and comments) with the literal of its value. Values
 * are matched to names in order of first appearance, the order the guard lists them in.
 */
export function bindClickHouseParams(sql: string, params: readonly unknown[]): string {
  if (params.length === 0 && !sql.includes('{')) return sql;
  let placeholders: ReturnType<typeof findClickHousePlaceholders>;
  try {
    placeholders = findClickHousePlaceholders(sql);
  } catch (error) {
    throw new WarehouseError('syntax', error instanceof Error ? error.message : 'The query cannot be read.');
  }
  const names: string[] = [];
  for (const p of placeholders) if (!names.includes(p.name)) names.push(p.name);
  if (names.length !== params.length) {
    throw new Error(`The query has ${names.length} placeholders but ${params.length} values were given.`);
  }
  let out = '';
  let at = 0;
  for (const p of placeholders) {
    out += sql.slice(at, p.start) + chValue(params[names.indexOf(p.name)]);
    at = p.end;
  }
  return out + sql.slice(at);
}

type JsonCompact = { meta?: { name: string; type: string }[]; data?: unknown[][] };

/** `2026-01-02 03:04:05[.678]` in `zone` → the instant. */
function parseDateTime(text: string, zone: string): Date | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (zone === 'UTC' || zone === 'Etc/UTC') return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, ms, zone).getTime());
}

/** Turns JSON values into what the Postgres clients hand back: Dates for DateTime/Date, the rest as is. */
function valueReader(type: string, serverZone: string): (value: unknown) => unknown {
  const inner = unwrapClickHouseType(type);
  if (/^DateTime(64)?\b/.test(inner)) {
    const zone = /'([^']+)'/.exec(inner)?.[1] ?? serverZone;
    return (value) => (typeof value === 'string' ? parseDateTime(value, zone) : value);
  }
  if (inner === 'Date' || inner === 'Date32') {
    return (value) =>
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : value;
  }
  return (value) => value;
}

export class ClickHouseWarehouseClient implements WarehouseClient {
  readonly dialect = 'clickhouse' as const;
  private client: ClickHouseClient | null = null;
  private agent: http.Agent | null = null;
  /** Server time zone and whether per-request settings apply; learned once per client. */
  private handshake: Promise<{ timezone: string; version: string }> | null = null;

  constructor(
    private readonly connection: ClickHouseConnection,
    private readonly options: ClickHouseClientOptions = {},
  ) {}

  static connect(connection: ClickHouseConnection, options: ClickHouseClientOptions = {}) {
    return new ClickHouseWarehouseClient(connection, options);
  }

  private async open(): Promise<ClickHouseClient> {
    if (this.client) return this.client;
    const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
    const c = this.connection;
    const maxSockets = this.options.maxConnections ?? 4;
    const servername = c.servername;
    // No keep-alive: a server closes idle connections after a few seconds (3 s before 23.11), and a request
    // sent on one it just closed fails. A query costs far more than a new connection.
    this.agent =
      c.protocol === 'https'
        ? new https.Agent({
            keepAlive: false,
            maxSockets,
            ...(c.caPem ? { ca: c.caPem } : {}),
            rejectUnauthorized: true,
            ...(servername
              ? {
                  servername,
                  checkServerIdentity: (_host: string, cert: PeerCertificate) =>
                    checkServerIdentity(servername, cert),
                }
              : {}),
          })
        : new http.Agent({ keepAlive: false, maxSockets });
    const host = c.host.includes(':') ? `[${c.host}]` : c.host;
    this.client = createClient({
      url: `${c.protocol}://${host}:${c.port}`,
      username: c.user,
      password: c.password ?? '',
      database: c.database,
      application: 'sightline',
      http_agent: this.agent,
      compression: { request: false, response: false },
      // Time limits are enforced per query (max_execution_time and the kill below), not by a socket timeout.
      request_timeout: 24 * 3600_000,
      log: { level: ClickHouseLogLevel.OFF },
    });
    return this.client;
  }

  private newQueryId(): string {
    return `${this.options.queryIdPrefix ?? DEFAULT_QUERY_ID_PREFIX}-${randomUUID()}`;
  }

  /** One request with the limits as settings; a query past its time (or aborted) is killed by query_id. */
  private async request(
    sql: string,
    limits: QueryLimits,
    signal?: AbortSignal,
  ): Promise<{ meta: { name: string; type: string }[]; data: unknown[][] }> {
    const client = await this.open();
    const queryId = this.newQueryId();
    const controller = new AbortController();
    let reason: 'timeout' | 'aborted' | null = null;
    const stop = (why: 'timeout' | 'aborted') => {
      if (reason !== null) return;
      reason = why;
      controller.abort();
    };
    const onAbort = () => stop('aborted');
    if (signal?.aborted) throw new WarehouseError('timeout', 'The query was cancelled before it started');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs + (this.options.graceMs ?? 2_000));
    try {
      const result = await client.query({
        query: sql,
        format: 'JSONCompact',
        query_id: queryId,
        abort_signal: controller.signal,
        clickhouse_settings: { ...limitSettings(limits), wait_end_of_query: '1' } as never,
      });
      const body = (await result.json()) as JsonCompact;
      return { meta: body.meta ?? [], data: body.data ?? [] };
    } catch (error) {
      if (reason !== null) {
        await this.kill(queryId);
        throw reason === 'timeout'
          ? new WarehouseError(
              'timeout',
              `The query took longer than the time limit (${Math.ceil(limits.timeoutMs / 1000)} s) and was stopped. Narrow it, or aggregate in a smaller window`,
            )
          : new WarehouseError('timeout', 'The query was cancelled');
      }
      const failed = toClickHouseError(error);
      // A lost connection may leave the query running on the server.
      if (failed.kind === 'connection') await this.kill(queryId);
      throw failed;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Kills a query of this client by id; best effort, bounded in time. */
  async kill(queryId: string): Promise<void> {
    const client = await this.open().catch(() => null);
    if (!client) return;
    try {
      await client.command({
        query: `KILL QUERY WHERE query_id = ${chString(queryId)} SYNC`,
        query_id: this.newQueryId(),
        abort_signal: AbortSignal.timeout(KILL_TIMEOUT_MS),
        clickhouse_settings: limitSettings({ timeoutMs: KILL_TIMEOUT_MS, maxRows: 10_000 }) as never,
      });
    } catch {
      // The query's own max_execution_time still ends it on the server.
    }
  }

  /**
   * Cancels every running query sent by a client whose queryIdPrefix was `prefix` (a reaped run's, say) and
   * returns how many it signalled. ASYNC: the server stops them without this request waiting for it. Under
   * readonly=1 a user may kill only its own queries, which is what a run's queries are: they ran as the data
   * source's user. Failures throw, for the caller to report.
   */
  async killByPrefix(prefix: string): Promise<number> {
    const client = await this.open();
    try {
      // startsWith rather than LIKE: the prefix is matched as text, with no wildcards to escape.
      const result = await client.query({
        query: `KILL QUERY WHERE startsWith(query_id, ${chString(`${prefix}-`)}) ASYNC`,
        format: 'JSONCompact',
        query_id: this.newQueryId(),
        abort_signal: AbortSignal.timeout(KILL_TIMEOUT_MS),
        clickhouse_settings: limitSettings({ timeoutMs: KILL_TIMEOUT_MS, maxRows: 10_000 }) as never,
      });
      const body = (await result.json()) as JsonCompact;
      return body.data?.length ?? 0;
    } catch (error) {
      throw toClickHouseError(error);
    }
  }

  /** The server's time zone, and proof that per-request settings apply (read back like the Postgres runner). */
  private ensureHandshake(timeoutMs: number, signal?: AbortSignal) {
    this.handshake ??= (async () => {
      const limits = { timeoutMs, maxRows: 1_000 };
      const expected = limitSettings(limits);
      const names = Object.keys(expected).map(chString).join(', ');
      const { data } = await this.request(
        `select timezone(), version(), name, value from system.settings where name in (${names})`,
        limits,
        signal,
      ).catch((error: unknown) => {
        // A profile that already sets readonly refuses every per-query setting, readonly=1 included.
        if (error instanceof WarehouseError && error.kind === 'read_only') {
          throw new WarehouseError(
            'limits_not_applied',
            `The warehouse user's profile does not let Sightline set its per-query limits (${error.message.split('. ')[0]}). Use a user whose profile leaves readonly at 0 and who may only SELECT: Sightline sends readonly=1 with every query`,
          );
        }
        throw error;
      });
      const actual = new Map(data.map((row) => [String(row[2]), String(row[3])]));
      const mismatched = Object.entries(expected).filter(([name, value]) => actual.get(name) !== value);
      if (mismatched.length > 0) {
        throw new WarehouseError(
          'limits_not_applied',
          `The warehouse did not apply Sightline's safety limits (${mismatched.map(([k]) => k).join(', ')}); the query was not run`,
        );
      }
      return { timezone: String(data[0]?.[0] ?? 'UTC'), version: String(data[0]?.[1] ?? 'unknown') };
    })();
    const pending = this.handshake;
    pending.catch(() => {
      if (this.handshake === pending) this.handshake = null;
    });
    return pending;
  }

  async runSelect(
    sql: string,
    params: readonly unknown[],
    limits: QueryLimits,
    opts: { signal?: AbortSignal } = {},
  ): Promise<QueryResult> {
    let bound: string;
    try {
      bound = bindClickHouseParams(sql, params);
    } catch (error) {
      if (error instanceof ClickHouseLiteralError) throw new WarehouseError('query', error.message);
      throw error;
    }
    // Defence in depth: whatever a caller built, no SETTINGS, FORMAT, table function or second statement.
    const verdict = await checkSelect(bound, { dialect: 'clickhouse' });
    if (!verdict.ok) {
      throw new WarehouseError('query', `The query was refused by the SQL guard: ${verdict.message}`);
    }
    const { timezone } = await this.ensureHandshake(limits.timeoutMs, opts.signal);
    const started = performance.now();
    const { meta, data } = await this.request(verdict.normalized, limits, opts.signal);
    const elapsedMs = Math.round(performance.now() - started);
    if (data.length > limits.maxRows) {
      throw new WarehouseError(
        'too_large',
        `The result is too large: more than ${limits.maxRows.toLocaleString('en-US')} rows. Aggregate further or filter the query.`,
      );
    }
    const columns: WarehouseColumn[] = meta.map((m) => ({
      name: m.name,
      nativeType: m.type,
      type: bucketOfClickHouseType(m.type),
    }));
    const readers = meta.map((m) => valueReader(m.type, timezone));
    const rows = data.map((cells) => {
      const row: WarehouseRow = {};
      meta.forEach((m, i) => {
        row[m.name] = (readers[i] as (v: unknown) => unknown)(cells[i] ?? null);
      });
      return row;
    });
    return { columns, rows, elapsedMs };
  }

  async test(): Promise<ConnectionInfo> {
    const started = performance.now();
    this.handshake = null;
    const { version } = await this.ensureHandshake(5_000);
    return { version: `ClickHouse ${version}`, latencyMs: Math.round(performance.now() - started) };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.handshake = null;
    await client?.close().catch(() => {});
    this.agent?.destroy();
    this.agent = null;
  }
}
