/**
 * ClickHouse SQL check (S4, S8). No ClickHouse parser is installed, so this is a token-level check with a
 * lexer that follows ClickHouse's rules (backslash escapes in '…', "…" and `…`), and it refuses every
 * construct where ClickHouse and another reader could disagree about what is a string or a comment: `#`
 * comments, `$` heredocs, nested `/*`, backslashes outside quotes. On the tokens it then requires one
 * statement starting with SELECT or WITH, and rejects SETTINGS and FORMAT clauses, INTO OUTFILE, table
 * functions that reach outside the data source, and sleep functions. The server-side profile (readonly=1,
 * limits) is the real boundary; this only refuses early with a clear message.
 */
import type { Token } from './lexer';
import { findNestingProblem } from './nesting';
import { fail, type GuardResult } from './result';
import { checkRowFilter } from './row-filter';

/** Lower-cased. Table functions that read files, URLs, other servers or run programs. */
const TABLE_FUNCTIONS = new Set([
  'url',
  'urlcluster',
  'file',
  'filecluster',
  's3',
  's3cluster',
  'gcs',
  'oss',
  'cosn',
  'azureblobstorage',
  'azureblobstoragecluster',
  'hdfs',
  'hdfscluster',
  'remote',
  'remotesecure',
  'cluster',
  'clusterallreplicas',
  'mysql',
  'postgresql',
  'mongodb',
  'redis',
  'jdbc',
  'odbc',
  'sqlite',
  'input',
  'executable',
  'hive',
  'iceberg',
  'icebergs3',
  'icebergazure',
  'iceberghdfs',
  'icebergcluster',
  'icebergs3cluster',
  'deltalake',
  'deltalakecluster',
  'hudi',
  'hudicluster',
  'paimon',
  'arrowflight',
  'ytsaurus',
]);

const DENIED_FUNCTIONS = new Set(['sleep', 'sleepeachrow', 'catboostevaluate', 'evalmlmethod']);

const WRITE_WORDS = new Set([
  'insert',
  'update',
  'delete',
  'alter',
  'create',
  'drop',
  'truncate',
  'rename',
  'attach',
  'detach',
  'optimize',
  'grant',
  'revoke',
  'kill',
  'system',
]);

class ClickHouseLexError extends Error {
  readonly code: 'syntax' | 'template';
  readonly position: number;
  constructor(code: 'syntax' | 'template', message: string, position: number) {
    super(message);
    this.code = code;
    this.position = position;
  }
}

function isWordStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

const OPERATOR_CHARS = new Set(['+', '-', '*', '/', '%', '<', '>', '=', '!', '|', '&', '^', '~', '?', '@']);

/**
 * ClickHouse quoted body: backslash escapes and doubled quotes. Returns the index after the closing quote.
 */
function scanQuoted(text: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\\') {
      j += 2;
    } else if (ch === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j + 1;
    } else {
      j++;
    }
  }
  throw new ClickHouseLexError('syntax', `Unterminated quoted text starting at position ${start}.`, start);
}

type Lexed = { tokens: Token[]; placeholders: Map<number, string> };

/** Placeholder names the text may use; `'any'` accepts every `{{name}}` (for binding already-checked SQL). */
type AllowedPlaceholders = readonly string[] | 'any' | undefined;

function lexClickHouse(text: string, allowed: AllowedPlaceholders): Lexed {
  const tokens: Token[] = [];
  const placeholders = new Map<number, string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    const ch = text[i] ?? '';
    const next = text[i + 1];
    if (isSpace(code)) {
      i++;
    } else if (ch === '-' && next === '-') {
      let j = i + 2;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      tokens.push({ kind: 'comment', start: i, end: j });
      i = j;
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new ClickHouseLexError('syntax', 'Unterminated /* comment.', i);
      // Searching only inside this comment keeps the lexer linear.
      const nested = text.slice(i + 2, close).indexOf('/*');
      if (nested >= 0) {
        throw new ClickHouseLexError(
          'syntax',
          'Nested /* comments are not allowed in ClickHouse queries.',
          i + 2 + nested,
        );
      }
      tokens.push({ kind: 'comment', start: i, end: close + 2 });
      i = close + 2;
    } else if (ch === "'") {
      const end = scanQuoted(text, i, "'");
      tokens.push({ kind: 'string', start: i, end });
      i = end;
    } else if (ch === '"' || ch === '`') {
      const end = scanQuoted(text, i, ch);
      tokens.push({ kind: 'qident', start: i, end });
      i = end;
    } else if (ch === '#' || ch === '$' || ch === '\\') {
      throw new ClickHouseLexError(
        'syntax',
        `The character ${ch} is only allowed inside string literals in ClickHouse queries.`,
        i,
      );
    } else if (ch === '{' || ch === '}') {
      i = lexPlaceholder(text, i, allowed, tokens, placeholders);
    } else if (isWordStart(code)) {
      let j = i + 1;
      while (j < n && (isWordStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
      tokens.push({ kind: 'word', start: i, end: j });
      i = j;
    } else if (isDigit(code)) {
      let j = i + 1;
      while (j < n && (isWordStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) || text[j] === '.'))
        j++;
      tokens.push({ kind: 'number', start: i, end: j });
      i = j;
    } else if (OPERATOR_CHARS.has(ch)) {
      let j = i + 1;
      while (j < n && OPERATOR_CHARS.has(text[j] ?? '') && !(text[j] === '-' && text[j + 1] === '-')) {
        if (text[j] === '/' && text[j + 1] === '*') break;
        j++;
      }
      tokens.push({ kind: 'op', start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: 'punct', start: i, end: i + 1 });
      i++;
    }
  }
  return { tokens, placeholders };
}

/** `{{ name }}` becomes one value token; any other brace is refused. Returns the index after it. */
function lexPlaceholder(
  text: string,
  start: number,
  allowed: AllowedPlaceholders,
  tokens: Token[],
  placeholders: Map<number, string>,
): number {
  const malformed = (): never => {
    throw new ClickHouseLexError(
      'template',
      allowed === undefined
        ? 'Braces and placeholders such as {{start}} can only be used in SQL metrics.'
        : allowed === 'any'
          ? 'Braces are only allowed in placeholders such as {{start}}.'
          : `Braces are only allowed in placeholders: ${allowed.map((name) => `{{${name}}}`).join(' and ')}.`,
      start,
    );
  };
  if (allowed === undefined || text[start] !== '{' || text[start + 1] !== '{') return malformed();
  let j = start + 2;
  while (isSpace(text.charCodeAt(j))) j++;
  const nameStart = j;
  while (j < text.length && (isWordStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
  const name = text.slice(nameStart, j);
  while (isSpace(text.charCodeAt(j))) j++;
  if (name === '' || text[j] !== '}' || text[j + 1] !== '}') return malformed();
  if (allowed !== 'any' && !allowed.includes(name)) {
    throw new ClickHouseLexError(
      'template',
      `Unknown placeholder {{${name}}}; allowed: ${allowed.map((n) => `{{${n}}}`).join(' and ')}.`,
      start,
    );
  }
  tokens.push({ kind: 'param', start, end: j + 2 });
  placeholders.set(start, name);
  return j + 2;
}

function unquote(raw: string): string {
  const quote = raw[0] ?? '';
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const ch = raw[i] ?? '';
    if (ch === '\\' || (ch === quote && raw[i + 1] === quote)) {
      out += raw[i + 1] ?? '';
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

export function checkClickHouseSelect(
  sql: string,
  opts: { placeholders?: readonly string[] } = {},
): GuardResult {
  let lexed: Lexed;
  try {
    lexed = lexClickHouse(sql, opts.placeholders);
  } catch (error) {
    if (error instanceof ClickHouseLexError) return fail(error.code, error.message, error.position);
    throw error;
  }
  const nesting = findNestingProblem(sql, lexed.tokens);
  if (nesting !== null) return fail(nesting.code, nesting.message, nesting.position);

  const tokens = lexed.tokens.filter((token) => token.kind !== 'comment');
  const textOf = (token: Token): string => sql.slice(token.start, token.end);
  const isSemicolon = (token: Token): boolean => token.kind === 'punct' && sql[token.start] === ';';

  // One statement: a `;` may only end the text.
  let last = tokens.length - 1;
  while (last >= 0 && isSemicolon(tokens[last] as Token)) last--;
  const body = tokens.slice(0, last + 1);
  if (body.length === 0)
    return fail('not_single_statement', 'The query is empty; write one SELECT statement.');
  const statements = 1 + body.filter(isSemicolon).length;
  if (statements > 1) {
    const semicolon = body.find(isSemicolon);
    return fail(
      'not_single_statement',
      `Only one SELECT statement is allowed; found ${statements} statements.`,
      semicolon?.start,
    );
  }

  const firstWord = body.find((token) => token.kind !== 'punct' || sql[token.start] !== '(');
  const first = firstWord === undefined ? '' : textOf(firstWord).toLowerCase();
  if (firstWord?.kind !== 'word' || (first !== 'select' && first !== 'with')) {
    const label = firstWord === undefined ? 'This statement' : textOf(firstWord).toUpperCase();
    return WRITE_WORDS.has(first)
      ? fail(
          'write',
          `${label} is not allowed: Sightline queries are read-only. Write a SELECT.`,
          firstWord?.start,
        )
      : fail(
          'not_select',
          `${label} is not allowed: Sightline runs a single read-only SELECT.`,
          firstWord?.start,
        );
  }

  for (let t = 0; t < body.length; t++) {
    const token = body[t] as Token;
    if (token.kind !== 'word' && token.kind !== 'qident') continue;
    const name = token.kind === 'word' ? textOf(token) : unquote(textOf(token));
    const lower = name.toLowerCase();
    const next = body[t + 1];
    const isCall = next !== undefined && next.kind === 'punct' && sql[next.start] === '(';
    const previous = body[t - 1];
    const qualified = previous !== undefined && previous.kind === 'punct' && sql[previous.start] === '.';
    // `system.settings` is a table; SETTINGS after a dot is never the clause.
    if (token.kind === 'word' && lower === 'settings' && !qualified) {
      return fail(
        'settings',
        'SETTINGS clauses are not allowed: Sightline sets the query limits itself.',
        token.start,
      );
    }
    if (token.kind === 'word' && lower === 'format' && !isCall) {
      return fail(
        'settings',
        'FORMAT clauses are not allowed: Sightline chooses the result format.',
        token.start,
      );
    }
    if (token.kind === 'word' && lower === 'into') {
      return fail('select_into', 'INTO OUTFILE is not allowed in Sightline queries.', token.start);
    }
    if (isCall && TABLE_FUNCTIONS.has(lower)) {
      return fail(
        'table_function',
        `Table function ${name}() is not allowed: it reaches outside the data source.`,
        token.start,
      );
    }
    if (isCall && DENIED_FUNCTIONS.has(lower)) {
      return fail('denied_function', `Function ${name} is not allowed in Sightline queries.`, token.start);
    }
  }

  const start = body[0]?.start ?? 0;
  const end = body[body.length - 1]?.end ?? sql.length;
  const params: string[] = [];
  for (const name of lexed.placeholders.values()) if (!params.includes(name)) params.push(name);
  return { ok: true, normalized: sql.slice(start, end), params };
}

export type ClickHousePlaceholder = { start: number; end: number; name: string };

/**
 * Where `{{name}}` placeholders sit in SQL the guard has accepted, read by the same lexer (so a `{{start}}`
 * inside a string literal or comment is not one). Values are then rendered as literals in their place, since
 * ClickHouse 18.16 has no query parameters. Throws on text the lexer refuses.
 */
export function findClickHousePlaceholders(sql: string): ClickHousePlaceholder[] {
  const { placeholders, tokens } = lexClickHouse(sql, 'any');
  return tokens
    .filter((token) => token.kind === 'param')
    .map((token) => ({ start: token.start, end: token.end, name: placeholders.get(token.start) ?? '' }));
}

/**
 * A row filter as ClickHouse reads it: besides the Postgres-parser check every filter gets, the fragment must
 * lex the same way under ClickHouse's rules (backslash escapes in quotes) as one self-contained unit — no
 * comment, `;` or placeholder, parentheses that never close one the fragment did not open — and use none of the
 * clauses and functions refused in ClickHouse queries. Then `(<fragment>)` pasted into `countIf(…)` stays one
 * condition.
 */
export function checkClickHouseFragment(expression: string): GuardResult {
  let lexed: Lexed;
  try {
    lexed = lexClickHouse(expression, undefined);
  } catch (error) {
    if (error instanceof ClickHouseLexError) return fail(error.code, error.message, error.position);
    throw error;
  }
  const nesting = findNestingProblem(expression, lexed.tokens);
  if (nesting !== null) return fail(nesting.code, nesting.message, nesting.position);
  let depth = 0;
  for (let t = 0; t < lexed.tokens.length; t++) {
    const token = lexed.tokens[t] as Token;
    const text = expression.slice(token.start, token.end);
    if (token.kind === 'comment') {
      return fail('row_filter', 'Comments are not allowed in a row filter.', token.start);
    }
    if (token.kind === 'punct' && (text === '(' || text === '[')) depth++;
    if (token.kind === 'punct' && (text === ')' || text === ']')) {
      depth--;
      if (depth < 0) {
        return fail('row_filter', 'The row filter closes a parenthesis it did not open.', token.start);
      }
    }
    if (token.kind === 'punct' && text === ';') {
      return fail('not_single_statement', 'A row filter is one condition; remove the ;.', token.start);
    }
    if (token.kind !== 'word') continue;
    const lower = text.toLowerCase();
    const next = lexed.tokens[t + 1];
    const isCall = next !== undefined && next.kind === 'punct' && expression[next.start] === '(';
    if (lower === 'settings' || (lower === 'format' && !isCall)) {
      return fail('settings', `${text.toUpperCase()} is not allowed in a row filter.`, token.start);
    }
    if (lower === 'select' || lower === 'into') {
      return fail('row_filter', 'A row filter is one condition, without subqueries.', token.start);
    }
    if (isCall && TABLE_FUNCTIONS.has(lower)) {
      return fail('table_function', `Table function ${text}() is not allowed.`, token.start);
    }
    if (isCall && DENIED_FUNCTIONS.has(lower)) {
      return fail('denied_function', `Function ${text} is not allowed in Sightline queries.`, token.start);
    }
  }
  if (depth !== 0) return fail('row_filter', 'The row filter leaves a parenthesis open.');
  return { ok: true, normalized: expression.trim(), params: [] };
}

/**
 * A row filter for a ClickHouse data source: one boolean expression over known columns (the same parser check
 * as every filter), that also stays one self-contained unit as ClickHouse lexes it.
 */
export async function checkClickHouseRowFilter(
  expression: string,
  columns: readonly string[],
): Promise<GuardResult> {
  const verdict = await checkRowFilter(expression, columns);
  if (!verdict.ok) return verdict;
  const clickhouse = checkClickHouseFragment(verdict.normalized);
  return clickhouse.ok ? verdict : clickhouse;
}
