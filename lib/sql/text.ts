/**
 * Cheap checks on raw SQL text that run before any lexer or parser sees it, plus the offset conversions the
 * parser needs (libpg-query reports node locations in UTF-8 bytes and error cursors in code points, while
 * JavaScript strings are indexed in UTF-16 code units).
 */

/** B1: user SQL is at most 100 KB of UTF-8. */
export const MAX_SQL_BYTES = 100 * 1024;
/** Row filters are short expressions; a smaller cap keeps the real-lexer pass well inside the time budget. */
export const MAX_ROW_FILTER_BYTES = 10 * 1024;
/**
 * The Postgres lexer rescans a run of operator characters once per comment opener inside it (its `/*` rule
 * swallows the whole run, then backs up), so 100 KB of `/**` + `/` takes seconds. Real SQL never needs long
 * runs; ASCII-art banners in comments stay far below this.
 */
export const MAX_OPERATOR_RUN = 256;

export type TextProblem = { code: 'too_large' | 'bad_text'; message: string; position?: number };

const OPERATOR_CHARS = '~!@#^&|`?+-*/%<>=';
const IS_OPERATOR_CHAR = new Uint8Array(128);
for (const ch of OPERATOR_CHARS) IS_OPERATOR_CHAR[ch.charCodeAt(0)] = 1;

export function isOperatorChar(code: number): boolean {
  return code < 128 && IS_OPERATOR_CHAR[code] === 1;
}

function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** C0 controls other than the whitespace Postgres itself accepts (tab, LF, VT, FF, CR), and DEL. */
function isForbiddenControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0b && code !== 0x0c && code !== 0x0d) ||
    code === 0x7f
  );
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function formatBytes(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * One linear pass: size in UTF-8 bytes, NUL and other control characters, unpaired surrogates, bidi
 * controls, and over-long operator runs. Returns the first problem, with a UTF-16 position.
 */
export function findTextProblem(text: string, opts: { maxBytes: number; label: string }): TextProblem | null {
  const { maxBytes, label } = opts;
  // Every UTF-16 unit is at least one UTF-8 byte, so a long string is rejected before it is even scanned.
  if (text.length > maxBytes) {
    return {
      code: 'too_large',
      message: `${label} is ${formatBytes(text.length)} characters long; the limit is ${formatBytes(maxBytes)} bytes.`,
    };
  }
  let bytes = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) {
      return { code: 'bad_text', message: `${label} contains a NUL byte at position ${i}.`, position: i };
    }
    if (isForbiddenControl(code)) {
      return {
        code: 'bad_text',
        message: `${label} contains the control character ${hex(code)} at position ${i}.`,
        position: i,
      };
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) {
        return {
          code: 'bad_text',
          message: `${label} contains an unpaired surrogate character at position ${i}.`,
          position: i,
        };
      }
      bytes += 4;
      i++;
      run = 0;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      return {
        code: 'bad_text',
        message: `${label} contains an unpaired surrogate character at position ${i}.`,
        position: i,
      };
    }
    if (isBidiControl(code)) {
      return {
        code: 'bad_text',
        message: `${label} contains the invisible bidirectional control character ${hex(code)} at position ${i}; remove it.`,
        position: i,
      };
    }
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    if (isOperatorChar(code)) {
      run++;
      if (run > MAX_OPERATOR_RUN) {
        const start = i - run + 1;
        return {
          code: 'bad_text',
          message: `${label} contains a run of more than ${MAX_OPERATOR_RUN} operator characters (such as - * / =) starting at position ${start}.`,
          position: start,
        };
      }
    } else {
      run = 0;
    }
  }
  if (bytes > maxBytes) {
    return {
      code: 'too_large',
      message: `${label} is ${formatBytes(bytes)} bytes; the limit is ${formatBytes(maxBytes)} bytes.`,
    };
  }
  return null;
}

export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Maps UTF-8 byte offsets (libpg-query node locations) to UTF-16 indexes of `text`. */
export function byteOffsetMapper(text: string): (byteOffset: number) => number {
  if (isAscii(text)) return (offset) => Math.max(0, Math.min(offset, text.length));
  const starts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    starts.push(bytes);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      starts.push(bytes);
      bytes += 4;
      i++;
    } else {
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    }
  }
  return (offset) => {
    if (offset <= 0) return 0;
    if (offset >= bytes) return text.length;
    // Binary search for the last unit whose byte start is <= offset.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    // A surrogate pair shares one byte start; point at its first unit.
    if (lo > 0 && starts[lo - 1] === starts[lo]) return lo - 1;
    return lo;
  };
}

/** Maps a code-point index (libpg-query error cursors) to a UTF-16 index of `text`. */
export function codePointToIndex(text: string, codePoints: number): number {
  let index = 0;
  for (let cp = 0; cp < codePoints && index < text.length; cp++) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return Math.min(index, text.length);
}
