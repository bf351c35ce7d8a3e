/**
 * The single choke point for user SQL on Postgres (and the embedded warehouse). Every execution:
 *   BEGIN READ ONLY → set the limits locally → read them back and refuse to go on if they did not apply →
 *   run the query wrapped in a LIMIT max+1 on the extended protocol (one statement, never two) → ROLLBACK.
 * The session is reset (DISCARD ALL) or destroyed by its owner afterwards.
 */
import { toWarehouseError, WarehouseError } from './errors';
import { bucketOfPostgresType, nameOfPostgresType } from './type-buckets';
import type { QueryLimits, QueryResult, WarehouseRow } from './types';

export type SessionField = { name: string; typeOid: number };

export interface SqlSession {
  /** Our own fixed control statements (BEGIN, ROLLBACK). Never user text. */
  control(text: 'BEGIN READ ONLY' | 'ROLLBACK'): Promise<void>;
  /** One statement on the extended protocol, which the server refuses to split into several. */
  query(text: string, params: readonly unknown[]): Promise<{ rows: WarehouseRow[]; fields: SessionField[] }>;
}

export type GuardedOptions = QueryLimits & {
  /** Schemas unqualified names resolve in; pinned so a planted function in another schema cannot shadow one. */
  searchPath: string;
};

const SET_LIMITS = `select set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true),
  set_config('idle_in_transaction_session_timeout', $3, true), set_config('search_path', $4, true)`;

const READ_BACK = `select current_setting('transaction_read_only') as read_only,
  (select setting from pg_settings where name = 'statement_timeout') as statement_timeout,
  (select setting from pg_settings where name = 'lock_timeout') as lock_timeout,
  (select setting from pg_settings where name = 'idle_in_transaction_session_timeout') as idle_timeout,
  current_setting('search_path') as search_path`;

export function lockTimeoutFor(timeoutMs: number): number {
  return Math.min(timeoutMs, 5_000);
}

/** Wraps the statement so the server stops after max+1 rows; a trailing newline keeps a final comment harmless. */
export function wrapWithLimit(sql: string, maxRows: number): string {
  return `select * from (\n${sql}\n) as sightline_query limit ${Math.floor(maxRows) + 1}`;
}

export async function runGuardedSelect(
  session: SqlSession,
  sql: string,
  params: readonly unknown[],
  options: GuardedOptions,
): Promise<QueryResult> {
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs));
  const expected = {
    read_only: 'on',
    statement_timeout: String(timeoutMs),
    lock_timeout: String(lockTimeoutFor(timeoutMs)),
    idle_timeout: String(timeoutMs),
    search_path: options.searchPath.replace(/\s+/g, ''),
  };
  await session.control('BEGIN READ ONLY');
  let outcome: { ok: true; result: QueryResult } | { ok: false; error: WarehouseError };
  try {
    await session.query(SET_LIMITS, [
      expected.statement_timeout,
      expected.lock_timeout,
      expected.idle_timeout,
      options.searchPath,
    ]);
    const [actual] = (await session.query(READ_BACK, [])).rows;
    const mismatched = Object.entries(expected).filter(
      ([key, value]) => String(actual?.[key] ?? '').replace(/\s+/g, '') !== value,
    );
    if (mismatched.length > 0) {
      throw new WarehouseError(
        'limits_not_applied',
        `The warehouse did not apply Sightline's safety limits (${mismatched.map(([k]) => k).join(', ')}); the query was not run.`,
      );
    }
    const started = performance.now();
    const { rows, fields } = await session.query(wrapWithLimit(sql, options.maxRows), params);
    const elapsedMs = Math.round(performance.now() - started);
    if (rows.length > options.maxRows) {
      throw new WarehouseError(
        'too_large',
        `The result is too large: more than ${options.maxRows.toLocaleString('en-US')} rows. Aggregate further or filter the query.`,
      );
    }
    const columns = fields.map((f) => ({
      name: f.name,
      nativeType: nameOfPostgresType(f.typeOid),
      type: bucketOfPostgresType(f.typeOid),
    }));
    outcome = { ok: true, result: { columns, rows, elapsedMs } };
  } catch (error) {
    outcome = { ok: false, error: toWarehouseError(error) };
  }
  // Never COMMIT: even a statement that slipped past every check leaves nothing behind. A session that cannot
  // roll back is reported as a connection failure so its owner destroys it instead of reusing it.
  try {
    await session.control('ROLLBACK');
  } catch (error) {
    const failed = toWarehouseError(error);
    throw outcome.ok ? new WarehouseError('connection', failed.message, failed.sqlstate) : outcome.error;
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}
