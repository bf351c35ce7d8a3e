/**
 * The one place that turns values into ClickHouse SQL text. ClickHouse 18.16 (Debian's) has no query
 * parameters, so every value Sightline puts into a ClickHouse query — window bounds, time zones, row-filter
 * and breakdown strings, identifiers, numbers — is rendered here as a literal, in a form every ClickHouse
 * version since then parses the same way.
 *
 * ClickHouse reads backslash escapes in both '…' strings and `…` identifiers (unlike standard SQL), so a
 * backslash is always doubled and the quote escaped with a backslash; control characters are written as
 * \xHH so no newline, NUL or terminal escape ever appears raw in a query. Text that is not valid UTF-16
 * (an unpaired surrogate) cannot be encoded as UTF-8 and is refused.
 */
export class ClickHouseLiteralError extends Error {}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

function escapeBody(text: string, quote: "'" | '`'): string {
  if (hasLoneSurrogate(text)) {
    throw new ClickHouseLiteralError('Text with unpaired surrogate characters cannot be sent to ClickHouse.');
  }
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** A string literal: `'it\'s'`. */
export function chString(value: string): string {
  if (typeof value !== 'string') throw new ClickHouseLiteralError('A string literal needs a string.');
  return `'${escapeBody(value, "'")}'`;
}

/** A quoted identifier (column, table, alias): `` `order date` ``. Never empty. */
export function chIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ClickHouseLiteralError('An identifier cannot be empty.');
  }
  return `\`${escapeBody(name, '`')}\``;
}

/** A finite number as a literal; integers stay integers, others use their shortest exact decimal form. */
export function chNumber(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ClickHouseLiteralError('A numeric literal must be a finite number.');
  }
  const text = String(value);
  // Negative numbers in parentheses keep `a - -1` and `x IN (-1)` unambiguous wherever they are pasted.
  return value < 0 ? `(${text})` : text;
}

/** A non-negative whole number (row counts, LIMIT BY sizes). */
export function chCount(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ClickHouseLiteralError('A count must be a non-negative whole number.');
  }
  return String(value);
}

/** An IANA time zone name as a string literal; only names this runtime knows (so does ClickHouse's tzdata). */
export function chTimeZone(zone: string): string {
  if (typeof zone !== 'string' || !/^[A-Za-z0-9_/+-]{1,64}$/.test(zone) || !isKnownTimeZone(zone)) {
    throw new ClickHouseLiteralError(`Unknown time zone: ${String(zone)}`);
  }
  return chString(zone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as `toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC')`: a DateTime in every version, independent of the
 * server's time zone. DateTime has whole seconds and covers 1970 to 2105, so other instants are refused
 * rather than silently moved (window bounds are bucket starts, always whole seconds).
 */
export function chDateTime(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new ClickHouseLiteralError('A timestamp literal needs a valid date.');
  }
  const ms = at.getTime();
  if (ms % 1000 !== 0) {
    throw new ClickHouseLiteralError(
      `${at.toISOString()} has fractions of a second; ClickHouse DateTime has none.`,
    );
  }
  if (ms < 0 || ms >= Date.UTC(2106, 0, 1)) {
    throw new ClickHouseLiteralError(`${at.toISOString()} is outside the range of ClickHouse DateTime.`);
  }
  const text =
    `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  return `toDateTime(${chString(text)}, 'UTC')`;
}

/** An ISO-8601 UTC instant as produced by Date#toISOString (how the engine passes window bounds). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * A bound value of Sightline's own (never user text): Dates and ISO-8601 UTC instants become DateTime
 * literals, other strings string literals, numbers numeric literals, null NULL.
 */
export function chValue(value: unknown): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) return chDateTime(value);
  if (typeof value === 'number') return chNumber(value);
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return ISO_UTC.test(value) ? chDateTime(new Date(value)) : chString(value);
  throw new ClickHouseLiteralError(`Cannot render a ${typeof value} as a ClickHouse literal.`);
}
