/**
 * The only place lib/sql touches libpg-query. The parse tree is walked as `unknown` through small type
 * guards, and the walk is iterative because trees can be thousands of levels deep.
 */
import { hasSqlDetails, loadModule, parseSync, scanSync, type ScanToken } from 'libpg-query';

import { codePointToIndex } from './text';

/**
 * Thrown (never returned) when the parser itself cannot be trusted; callers must treat it as a server fault.
 */
export class SqlParserUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqlParserUnavailableError';
  }
}

let loading: Promise<void> | null = null;
// After an unexpected failure inside WASM (stack overflow, out-of-bounds access) the module's memory may be
// corrupt, so every later parse could be wrong: fail closed for the rest of the process.
let poisoned: unknown = null;

async function ensureParser(): Promise<void> {
  if (poisoned !== null) {
    throw new SqlParserUnavailableError(
      'The SQL parser failed earlier in this process; restart the server.',
      {
        cause: poisoned,
      },
    );
  }
  loading ??= loadModule().catch((error: unknown) => {
    loading = null;
    throw new SqlParserUnavailableError('The SQL parser could not be loaded.', { cause: error });
  });
  await loading;
}

function isWasmFault(error: unknown): boolean {
  return error instanceof RangeError || error instanceof WebAssembly.RuntimeError;
}

function unexpected(error: unknown): never {
  poisoned = error;
  throw new SqlParserUnavailableError('The SQL parser failed unexpectedly; restart the server.', {
    cause: error,
  });
}

export type ParseOutcome =
  | { ok: true; stmts: unknown[] }
  | { ok: false; message: string; /** UTF-16 index into the parsed text. */ position: number | undefined };

const NEAR = ' at or near "';
const MAX_NEAR_TEXT = 40;

/** Capitalises the parser's message and shortens the quoted input it echoes (it can be the whole query). */
function toSentence(message: string): string {
  let text = message.trim();
  const near = text.indexOf(NEAR);
  if (near >= 0 && text.length - near - NEAR.length - 1 > MAX_NEAR_TEXT) {
    text = `${text.slice(0, near + NEAR.length + MAX_NEAR_TEXT)}…"`;
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Parses with the real Postgres grammar. Syntax errors are returned; parser faults are thrown. */
export async function parsePostgres(text: string): Promise<ParseOutcome> {
  await ensureParser();
  let tree: unknown;
  try {
    tree = parseSync(text);
  } catch (error) {
    if (hasSqlDetails(error)) {
      const cursor = error.sqlDetails?.cursorPosition;
      return {
        ok: false,
        message: toSentence(error.message),
        position: cursor === undefined ? undefined : codePointToIndex(text, cursor),
      };
    }
    unexpected(error);
  }
  if (!isRecord(tree) || !Array.isArray(tree.stmts)) unexpected(new Error('parse result has no stmts array'));
  return { ok: true, stmts: tree.stmts };
}

/** The real Postgres lexer; null when it rejects the text (unterminated string or comment and the like). */
export async function scanPostgres(text: string): Promise<ScanToken[] | null> {
  await ensureParser();
  try {
    return scanSync(text).tokens;
  } catch (error) {
    // libpg-query 18.1.5 reports scanner errors as plain Errors or as a JSON.parse SyntaxError of the error
    // text; only faults of the WASM machine itself mean the module can no longer be trusted.
    if (isWasmFault(error)) unexpected(error);
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[{ String: { sval } }, …]` → the svals, or null when the list has another shape. */
export function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const names: string[] = [];
  for (const item of value) {
    if (!isRecord(item) || !isRecord(item.String)) return null;
    const sval = item.String.sval;
    names.push(typeof sval === 'string' ? sval : '');
  }
  return names;
}

export function numberField(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}

/**
 * Visits every (key, value) pair of every object in the tree, in document order, without recursion. Node
 * types appear as PascalCase keys (`{ FuncCall: {...} }`), fields as lower-case keys; some struct fields
 * (`larg`, `intoClause`, `withClause`) hold unwrapped nodes, which is why visitors look at keys, not types.
 * The first non-null value a visitor returns stops the walk.
 */
export function walkTree<T>(
  root: unknown,
  visit: (key: string, value: unknown, parent: Record<string, unknown>) => T | null,
): T | null {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push(current[i]);
      continue;
    }
    if (!isRecord(current)) continue;
    const keys = Object.keys(current);
    for (const key of keys) {
      const found = visit(key, current[key], current);
      if (found !== null) return found;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key !== undefined) stack.push(current[key]);
    }
  }
  return null;
}
