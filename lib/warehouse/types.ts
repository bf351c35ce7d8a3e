import type { FactTableColumn } from '@/db/schema';

export type TypeBucket = FactTableColumn['type'];
export type WarehouseColumn = { name: string; nativeType: string; type: TypeBucket };
export type WarehouseRow = Record<string, unknown>;

/** Limits every user query runs under; the client enforces them, callers cannot forget them. */
export type QueryLimits = { timeoutMs: number; maxRows: number };

export type QueryResult = { columns: WarehouseColumn[]; rows: WarehouseRow[]; elapsedMs: number };

export type ConnectionInfo = { version: string; latencyMs: number };

export interface WarehouseClient {
  readonly dialect: 'postgres' | 'clickhouse';
  /**
   * Runs one SELECT (already accepted by the SQL guard) read-only, time-limited and row-capped.
   * More rows than maxRows is an error, never a silent truncation.
   */
  runSelect(sql: string, params: readonly unknown[], limits: QueryLimits): Promise<QueryResult>;
  test(): Promise<ConnectionInfo>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: QueryLimits = { timeoutMs: 10_000, maxRows: 100_000 };
