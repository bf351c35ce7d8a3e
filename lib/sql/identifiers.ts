/**
 * S9: identifiers picked in the UI (tables, timestamp/value/dimension columns) must be plain names of at most
 * 63 characters (Postgres' NAMEDATALEN - 1) and are always quoted when placed in SQL.
 */
import { hasLoneSurrogate } from './text';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isValidIdentifier(name: unknown): name is string {
  return typeof name === 'string' && IDENTIFIER.test(name);
}

export type IdentifierDialect = 'postgres' | 'clickhouse';

/**
 * Quotes a name as a single identifier: `"a""b"` for Postgres, `` `a``b` `` for ClickHouse (whose quoted
 * identifiers also treat backslash as an escape, so it is doubled too). Throws on empty names, NUL bytes and
 * unpaired surrogates, which no database accepts in a name.
 */
export function quoteIdent(name: string, dialect: IdentifierDialect = 'postgres'): string {
  if (name.length === 0) throw new Error('An identifier cannot be empty.');
  if (name.includes('\u0000')) throw new Error('An identifier cannot contain a NUL byte.');
  if (hasLoneSurrogate(name)) throw new Error('An identifier cannot contain unpaired surrogate characters.');
  if (dialect === 'clickhouse') return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '``')}\``;
  return `"${name.replaceAll('"', '""')}"`;
}
