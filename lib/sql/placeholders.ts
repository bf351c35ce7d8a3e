/**
 * `{{start}}` / `{{end}}` in SQL metrics become bound parameters (`$1`, `$2`), never pasted values (S9, R6).
 *
 * Placeholders are found with lexer.ts, so one inside a string literal, quoted identifier or comment is not
 * mistaken for code. In a string or quoted identifier it is an error (a quoted `'{{start}}'` would otherwise
 * silently stay text); in a comment it is left alone. checkSelect then parses the bound text with the real
 * parser and requires a ParamRef exactly where each `$n` was put, so a disagreement between this lexer and
 * Postgres cannot smuggle anything through.
 */
import { isIdentCont, lexPostgres, type Token } from './lexer';

export type PlaceholderDialect = 'postgres';

export type PlaceholderOccurrence = {
  name: string;
  /** The parameter number: `$number` in the bound text. */
  number: number;
  /** `{{…}}` span in the source text (UTF-16, end exclusive). */
  sourceStart: number;
  sourceEnd: number;
  /** Span of the replacement in the bound text, including any padding space. */
  boundStart: number;
  boundEnd: number;
  /** Index of the `$` of `$number` in the bound text. */
  paramIndex: number;
};

export type BoundSql = {
  text: string;
  /** Distinct names in parameter order: `names[0]` is `$1`. */
  names: string[];
  occurrences: PlaceholderOccurrence[];
};

export class PlaceholderError extends Error {
  /** UTF-16 index into the source text. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'PlaceholderError';
    this.position = position;
  }
}

// Only used to decide which error message to show for quoted text; safety comes from the parser cross-check.
const PLACEHOLDER_LIKE = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;

function listNames(allowed: readonly string[]): string {
  return allowed.length === 0 ? 'no placeholders' : allowed.map((name) => `{{${name}}}`).join(' and ');
}

function isPunct(text: string, token: Token | undefined, char: string): token is Token {
  return token !== undefined && token.kind === 'punct' && text[token.start] === char;
}

/**
 * Replaces each `{{name}}` outside strings, quoted identifiers and comments with `$n` (the same name reuses
 * its number). Throws PlaceholderError for unknown names, malformed or quoted placeholders, and for `$1`
 * written by hand. Only the Postgres dialect exists today; ClickHouse placeholders are checked in
 * clickhouse.ts.
 */
export function bindPlaceholders(
  sql: string,
  allowed: readonly string[],
  opts: { dialect?: PlaceholderDialect } = {},
): BoundSql {
  void opts.dialect;
  return bindPlaceholderTokens(sql, lexPostgres(sql).tokens, allowed);
}

/** bindPlaceholders over tokens already produced by lexPostgres(sql). */
export function bindPlaceholderTokens(
  sql: string,
  tokens: readonly Token[],
  allowed: readonly string[],
): BoundSql {
  const names: string[] = [];
  const occurrences: PlaceholderOccurrence[] = [];
  const pieces: string[] = [];
  let copied = 0;
  let boundLength = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token === undefined) break;
    const raw = sql.slice(token.start, token.end);
    if (token.kind === 'param') {
      throw new PlaceholderError(
        `Positional parameters such as ${raw} are not allowed; use ${listNames(allowed)} for the time window.`,
        token.start,
      );
    }
    if ((token.kind === 'string' || token.kind === 'qident') && PLACEHOLDER_LIKE.test(raw)) {
      const where = token.kind === 'string' ? 'a string literal' : 'a quoted identifier';
      throw new PlaceholderError(
        `A placeholder inside ${where} is not replaced. Write it without quotes, e.g. created_at >= {{start}}.`,
        token.start,
      );
    }
    if (!isPunct(sql, token, '{')) continue;
    const second = tokens[t + 1];
    if (!isPunct(sql, second, '{') || second.start !== token.end) continue;
    const nameToken = tokens[t + 2];
    const close = tokens[t + 3];
    const closeSecond = tokens[t + 4];
    if (
      nameToken === undefined ||
      nameToken.kind !== 'word' ||
      !isPunct(sql, close, '}') ||
      !isPunct(sql, closeSecond, '}') ||
      closeSecond.start !== close.end
    ) {
      throw new PlaceholderError(`Malformed placeholder; write ${listNames(allowed)}.`, token.start);
    }
    const name = sql.slice(nameToken.start, nameToken.end);
    if (!allowed.includes(name)) {
      throw new PlaceholderError(
        `Unknown placeholder {{${name}}}; allowed: ${listNames(allowed)}.`,
        token.start,
      );
    }
    let index = names.indexOf(name);
    if (index < 0) {
      names.push(name);
      index = names.length - 1;
    }
    const sourceStart = token.start;
    const sourceEnd = closeSecond.end;
    // Keep `$n` from merging with a neighbour: `a$1` is an identifier and `$11` another parameter.
    const padBefore = sourceStart > 0 && isIdentCont(sql.charCodeAt(sourceStart - 1)) ? ' ' : '';
    const padAfter = sourceEnd < sql.length && isIdentCont(sql.charCodeAt(sourceEnd)) ? ' ' : '';
    const replacement = `${padBefore}$${index + 1}${padAfter}`;
    const before = sql.slice(copied, sourceStart);
    pieces.push(before, replacement);
    const boundStart = boundLength + before.length;
    occurrences.push({
      name,
      number: index + 1,
      sourceStart,
      sourceEnd,
      boundStart,
      boundEnd: boundStart + replacement.length,
      paramIndex: boundStart + padBefore.length,
    });
    boundLength = boundStart + replacement.length;
    copied = sourceEnd;
    t += 4;
  }
  pieces.push(sql.slice(copied));
  return { text: pieces.join(''), names, occurrences };
}

/** Maps a UTF-16 index in the bound text back to the source text. */
export function toSourcePosition(bound: BoundSql, boundIndex: number): number {
  let delta = 0;
  for (const occurrence of bound.occurrences) {
    if (boundIndex >= occurrence.boundEnd) {
      delta += occurrence.sourceEnd - occurrence.sourceStart - (occurrence.boundEnd - occurrence.boundStart);
    } else if (boundIndex >= occurrence.boundStart) {
      return occurrence.sourceStart;
    } else {
      break;
    }
  }
  return boundIndex + delta;
}
