/**
 * Warehouse errors are about the user's own SQL or connection, so their message is shown to the user, with
 * what to do next. Nothing else from the driver (hosts, stack traces) is.
 */
export type WarehouseErrorKind =
  | 'connection'
  | 'timeout'
  | 'syntax'
  /** A table, column, function or database the query names does not exist. */
  | 'unknown_object'
  /** The warehouse refused the user name or password. */
  | 'auth'
  | 'permission'
  | 'read_only'
  | 'too_large'
  | 'limits_not_applied'
  | 'query';

export class WarehouseError extends Error {
  constructor(
    readonly kind: WarehouseErrorKind,
    message: string,
    readonly sqlstate?: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'WarehouseError';
  }

  /** Connection trouble and contention may pass; a bad query will fail the same way again. */
  get retryable(): boolean {
    return this.kind === 'connection' || RETRYABLE_STATES.has(this.sqlstate ?? '');
  }
}

const RETRYABLE_STATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03']);

export function classifySqlState(sqlstate: string | undefined): WarehouseErrorKind {
  if (!sqlstate) return 'query';
  if (sqlstate.startsWith('08') || sqlstate === '57P01' || sqlstate === '53300') return 'connection';
  if (sqlstate === '57014') return 'timeout';
  if (sqlstate === '42601') return 'syntax';
  if (['42703', '42P01', '42883', '3F000', '3D000'].includes(sqlstate)) return 'unknown_object';
  if (sqlstate === '28P01' || sqlstate === '28000') return 'auth';
  if (sqlstate === '42501') return 'permission';
  if (sqlstate === '25006') return 'read_only';
  return 'query';
}

const HINTS: Partial<Record<WarehouseErrorKind, string>> = {
  timeout: 'The query took longer than the time limit. Narrow it, or aggregate in a smaller window.',
  read_only: 'Sightline runs queries read-only: only SELECT statements can run.',
  permission: "The data source's user may not read this. Grant it SELECT, or pick another table.",
  auth: "Check the data source's user and password.",
};

/** Turns whatever a driver threw into a WarehouseError that is safe to show. */
export function toWarehouseError(error: unknown): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = error as { code?: unknown; message?: unknown; position?: unknown; errno?: unknown };
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const kind = sqlstate ? classifySqlState(sqlstate) : isConnectionFailure(e.code) ? 'connection' : 'query';
  const base = typeof e.message === 'string' && sqlstate ? e.message : describeConnectionFailure(e.code);
  const hint = HINTS[kind];
  const position = Number(e.position);
  return new WarehouseError(
    kind,
    hint ? `${base}. ${hint}` : base,
    sqlstate,
    Number.isFinite(position) && position > 0 ? position : undefined,
  );
}

function isConnectionFailure(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    /^(ECONN|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|EAI_|CONNECT_TIMEOUT|CONNECTION_)/.test(code)
  );
}

function describeConnectionFailure(code: unknown): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'The warehouse refused the connection. Check the host and port, and that the server is running';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The warehouse host name could not be resolved. Check the host';
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return 'The warehouse did not answer in time. Check the host, port and firewall';
    default:
      return 'The query failed in the warehouse';
  }
}
