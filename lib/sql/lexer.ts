/**
 * A small, linear lexer that follows the Postgres lexer's rules for where strings, quoted identifiers,
 * dollar quotes and comments begin and end. It never decides on its own whether SQL is safe: it feeds the
 * nesting estimate that protects the parser (see nesting.ts) and finds `{{placeholders}}`, and every such use
 * is cross-checked by the real parser afterwards. It exists because libpg-query's own `scan` costs ~3 µs per
 * token, too slow for 100 KB of adversarial input inside the 200 ms budget.
 */
import { isOperatorChar } from './text';

export type TokenKind = 'word' | 'number' | 'qident' | 'string' | 'comment' | 'op' | 'param' | 'punct';

/** `start`/`end` are UTF-16 indexes into the lexed text; `end` is exclusive. */
export type Token = { kind: TokenKind; start: number; end: number };

export type LexResult = {
  tokens: Token[];
  /** The first string, quoted identifier or comment that runs to the end of the text, if any. */
  unterminated: Token | null;
};

const CH = {
  dollar: 0x24,
  quote: 0x27,
  dquote: 0x22,
  minus: 0x2d,
  slash: 0x2f,
  star: 0x2a,
  backslash: 0x5c,
  lf: 0x0a,
  cr: 0x0d,
} as const;

export function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Postgres `ident_start`: ASCII letters, underscore and any non-ASCII character. */
export function isIdentStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

/** Postgres `ident_cont`: `ident_start`, digits and `$`. */
export function isIdentCont(code: number): boolean {
  return isIdentStart(code) || isDigit(code) || code === CH.dollar;
}

/** Scans a quoted body opened at `start` (the quote itself) and returns the index after the closing quote. */
function scanQuoted(text: string, start: number, quote: number, backslashEscapes: boolean): number {
  let j = start + 1;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (backslashEscapes && code === CH.backslash) {
      j += 2;
      continue;
    }
    if (code === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}

/** Nested block comment, as Postgres nests them. Returns the index after the final `*\/`, or -1. */
function scanBlockComment(text: string, start: number): number {
  let depth = 1;
  let j = start + 2;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    const next = text.charCodeAt(j + 1);
    if (code === CH.slash && next === CH.star) {
      depth++;
      j += 2;
    } else if (code === CH.star && next === CH.slash) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return -1;
}

/** `$tag$` delimiter starting at `start`, or null. Tags follow `dolq_start dolq_cont*` (no `$` inside). */
function dollarDelimiter(text: string, start: number): string | null {
  let j = start + 1;
  const first = text.charCodeAt(j);
  if (first === CH.dollar) return '$$';
  if (!isIdentStart(first)) return null;
  j++;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === CH.dollar) return text.slice(start, j + 1);
    if (!isIdentStart(code) && !isDigit(code)) return null;
    j++;
  }
  return null;
}

export function lexPostgres(text: string): LexResult {
  const tokens: Token[] = [];
  let unterminated: Token | null = null;
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number): void => {
    if (end < 0) {
      const token = { kind, start, end: n };
      tokens.push(token);
      unterminated ??= token;
      i = n;
      return;
    }
    tokens.push({ kind, start, end });
    i = end;
  };
  while (i < n) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (isSpace(code)) {
      i++;
    } else if (code === CH.minus && next === CH.minus) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== CH.lf && text.charCodeAt(j) !== CH.cr) j++;
      push('comment', i, j);
    } else if (code === CH.slash && next === CH.star) {
      push('comment', i, scanBlockComment(text, i));
    } else if (code === CH.quote) {
      // E'...' strings honour backslash escapes; the lexer only sees `e` as a prefix when it is a whole word.
      const prev = tokens[tokens.length - 1];
      const escapes =
        prev !== undefined &&
        prev.kind === 'word' &&
        prev.end === i &&
        prev.end - prev.start === 1 &&
        (text.charCodeAt(prev.start) | 0x20) === 0x65;
      push('string', i, scanQuoted(text, i, CH.quote, escapes));
    } else if (code === CH.dquote) {
      push('qident', i, scanQuoted(text, i, CH.dquote, false));
    } else if (code === CH.dollar) {
      if (isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        push('param', i, j);
      } else {
        const delimiter = dollarDelimiter(text, i);
        if (delimiter === null) {
          push('punct', i, i + 1);
        } else {
          const close = text.indexOf(delimiter, i + delimiter.length);
          push('string', i, close < 0 ? -1 : close + delimiter.length);
        }
      }
    } else if (isIdentStart(code)) {
      let j = i + 1;
      while (j < n && isIdentCont(text.charCodeAt(j))) j++;
      push('word', i, j);
    } else if (isDigit(code)) {
      let j = i + 1;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (isIdentStart(c) || isDigit(c) || (c === 0x2e && isDigit(text.charCodeAt(j + 1)))) j++;
        else break;
      }
      push('number', i, j);
    } else if (isOperatorChar(code)) {
      // Like Postgres, an operator stops where a comment starts.
      let j = i + 1;
      while (j < n && isOperatorChar(text.charCodeAt(j))) {
        const c = text.charCodeAt(j);
        const d = text.charCodeAt(j + 1);
        if ((c === CH.minus && d === CH.minus) || (c === CH.slash && d === CH.star)) break;
        j++;
      }
      push('op', i, j);
    } else {
      push('punct', i, i + 1);
    }
  }
  return { tokens, unterminated };
}
