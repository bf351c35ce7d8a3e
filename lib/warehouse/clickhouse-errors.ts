/**
 * ClickHouse errors as WarehouseErrors. The server answers `Code: 60, e.displayText() = DB::Exception: …`
 * (18.x) or `Code: 60. DB::Exception: … (UNKNOWN_TABLE) (version 23.8…)` (newer); the code decides the kind and
 * the cleaned text is the message. Host names, addresses, stack traces and version strings are cut, so what
 * is shown says what went wrong in the user's query and nothing about the server.
 */
import { toWarehouseError, WarehouseError, type WarehouseErrorKind } from './errors';

/** ClickHouse error codes (src/Common/ErrorCodes.cpp) and the kind each one is. */
const KINDS: ReadonlyMap<number, WarehouseErrorKind> = new Map([
  [62, 'syntax'], // SYNTAX_ERROR
  [8, 'unknown_object'], // THERE_IS_NO_COLUMN
  [10, 'unknown_object'], // NOT_FOUND_COLUMN_IN_BLOCK
  [16, 'unknown_object'], // NO_SUCH_COLUMN_IN_TABLE
  [46, 'unknown_object'], // UNKNOWN_FUNCTION
  [47, 'unknown_object'], // UNKNOWN_IDENTIFIER
  [60, 'unknown_object'], // UNKNOWN_TABLE
  [63, 'unknown_object'], // UNKNOWN_AGGREGATE_FUNCTION
  [81, 'unknown_object'], // UNKNOWN_DATABASE
  [159, 'timeout'], // TIMEOUT_EXCEEDED
  [160, 'timeout'], // TOO_SLOW
  [394, 'timeout'], // QUERY_WAS_CANCELLED (Sightline kills queries that outlive their time limit)
  [396, 'too_large'], // TOO_MANY_ROWS_OR_BYTES
  [158, 'too_large'], // TOO_MANY_ROWS
  [241, 'too_large'], // MEMORY_LIMIT_EXCEEDED
  [164, 'read_only'], // READONLY
  [192, 'auth'], // UNKNOWN_USER
  [193, 'auth'], // WRONG_PASSWORD
  [194, 'auth'], // REQUIRED_PASSWORD
  [516, 'auth'], // AUTHENTICATION_FAILED
  [195, 'permission'], // IP_ADDRESS_NOT_ALLOWED
  [497, 'permission'], // ACCESS_DENIED
  [202, 'connection'], // TOO_MANY_SIMULTANEOUS_QUERIES: the server is busy, a later try may pass
  [203, 'connection'], // NO_FREE_CONNECTION
  [209, 'connection'], // SOCKET_TIMEOUT
  [210, 'connection'], // NETWORK_ERROR
  [242, 'connection'], // TABLE_IS_READ_ONLY (replica lost its keeper session)
]);

const HINTS: Partial<Record<WarehouseErrorKind, string>> = {
  timeout: 'The query took longer than the time limit. Narrow it, or aggregate in a smaller window.',
  too_large: 'Aggregate further or filter the query.',
  read_only: 'Sightline runs queries read-only: only SELECT statements can run.',
  auth: "Check the data source's user and password.",
  permission: "The data source's user may not read this. Grant it SELECT, or pick another table.",
};

const MAX_MESSAGE = 600;

/** The server's message without the exception boilerplate, addresses, stack trace or version. */
export function cleanClickHouseMessage(raw: string): string {
  let text = raw.split(/\r?\n\s*(?:Stack trace|0\. )/)[0] ?? '';
  text = text
    .replace(/^\s*Code:\s*\d+\s*[.,]\s*/, '')
    .replace(/e\.displayText\(\) = /g, '')
    .replace(/,?\s*e\.what\(\) = DB::Exception\s*$/, '')
    .replace(/DB::Exception:\s*/g, '')
    .replace(/Received from [^\s,]+[.,]?\s*/g, '')
    .replace(/\s*\(version [^\n]*$/, '')
    .replace(/\s*\([A-Z][A-Z0-9_]+\)\.?\s*$/, '')
    // Addresses: IPv4 (with port), bracketed IPv6 and host:port pairs.
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '[address]')
    .replace(/\[[0-9a-fA-F:.]+\](?::\d+)?/g, '[address]')
    .replace(/\b[a-zA-Z0-9][a-zA-Z0-9.-]*:\d{2,5}\b/g, '[address]')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_MESSAGE) text = `${text.slice(0, MAX_MESSAGE - 1)}…`;
  return text.replace(/[.\s]+$/, '') || 'The query failed in the warehouse';
}

export function clickHouseCodeOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; message?: unknown };
  const fromCode = typeof e?.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
  if (fromCode !== undefined) return fromCode;
  const message = typeof e?.message === 'string' ? e.message : typeof error === 'string' ? error : '';
  const match = /(?:^|\s)Code:\s*(\d+)\s*[.,]/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Whatever the ClickHouse client threw, as a WarehouseError that is safe to show. */
export function toClickHouseError(error: unknown): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const code = clickHouseCodeOf(error);
  if (code === undefined) {
    // Socket-level failures (refused, unresolvable, reset) carry a Node error code, never a server message.
    const e = error as { code?: unknown; cause?: { code?: unknown } };
    const nodeCode = typeof e?.code === 'string' ? e.code : e?.cause?.code;
    if (nodeCode === 'ECONNRESET' || nodeCode === 'EPIPE' || nodeCode === 'ECONNABORTED') {
      return new WarehouseError('connection', 'The connection to the warehouse was lost. Try again');
    }
    const fallback = toWarehouseError({ code: nodeCode });
    if (fallback.kind === 'connection') return fallback;
    return new WarehouseError('query', 'The query failed in the warehouse');
  }
  const kind = KINDS.get(code) ?? 'query';
  const message = cleanClickHouseMessage(String((error as { message?: unknown }).message ?? error));
  const hint = HINTS[kind];
  return new WarehouseError(kind, hint ? `${message}. ${hint}` : message);
}
