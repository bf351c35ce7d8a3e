import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSelect } from '@/lib/sql/guard';
import {
  chCount,
  chDateTime,
  chIdentifier,
  chNumber,
  chString,
  chTimeZone,
  chValue,
  ClickHouseLiteralError,
} from '@/lib/warehouse/clickhouse-literals';

/** Reads a ClickHouse quoted body back the way the server does (backslash escapes, doubled quotes). */
function unquote(literal: string): string {
  const quote = literal[0];
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const ch = literal[i] as string;
    if (ch === '\\') {
      const next = literal[i + 1] as string;
      if (next === 'x') {
        out += String.fromCharCode(parseInt(literal.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        out += next;
        i += 1;
      }
    } else if (ch === quote) {
      throw new Error(`unescaped quote at ${i} in ${literal}`);
    } else {
      out += ch;
    }
  }
  return out;
}

describe('string literals', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["\\'", "'\\\\\\''"],
    ['nul\u0000', "'nul\\x00'"],
    ['line\nbreak\r\ttab', "'line\\x0abreak\\x0d\\x09tab'"],
    ['del\u007f', "'del\\x7f'"],
    ['ünïcödé 😀', "'ünïcödé 😀'"],
    ['', "''"],
  ])('renders %j as %s', (value, literal) => {
    expect(chString(value)).toBe(literal);
  });

  it('round-trips any valid text and never leaves a raw quote, backslash or control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const literal = chString(text);
        expect(unquote(literal)).toBe(text);
        expect(literal.slice(1, -1)).not.toMatch(/(^|[^\\])(\\\\)*'/);
        expect(literal).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
    );
  });

  it('keeps the whole statement one statement for the guard, whatever the text', async () => {
    for (const text of ["'; select 1; --", "\\'; drop table x; --", 'a\nsettings readonly=0', '{{start}}']) {
      const verdict = await checkSelect(`select ${chString(text)} as v`, { dialect: 'clickhouse' });
      expect(verdict.ok, text).toBe(true);
    }
  });

  it('refuses unpaired surrogates, which have no UTF-8 form', () => {
    expect(() => chString('a\ud800b')).toThrow(ClickHouseLiteralError);
    expect(() => chString('\udc00')).toThrow(ClickHouseLiteralError);
    expect(chString('\ud83d\ude00')).toBe("'😀'");
  });
});

describe('identifiers', () => {
  it.each([
    ['ts', '`ts`'],
    ['order date', '`order date`'],
    ['we`ird', '`we\\`ird`'],
    ['back\\tick`\\', '`back\\\\tick\\`\\\\`'],
    ['new\nline', '`new\\x0aline`'],
    ['select', '`select`'],
  ])('quotes %j as %s', (name, quoted) => {
    expect(chIdentifier(name)).toBe(quoted);
  });

  it('round-trips any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (name) => {
        expect(unquote(chIdentifier(name))).toBe(name);
      }),
    );
  });

  it('refuses empty names', () => {
    expect(() => chIdentifier('')).toThrow(ClickHouseLiteralError);
  });
});

describe('timestamps, zones and numbers', () => {
  it('renders instants as UTC DateTime literals with whole seconds', () => {
    expect(chDateTime(new Date('2026-03-29T01:00:00Z'))).toBe("toDateTime('2026-03-29 01:00:00', 'UTC')");
    expect(chDateTime(new Date(0))).toBe("toDateTime('1970-01-01 00:00:00', 'UTC')");
    expect(() => chDateTime(new Date('2026-03-29T01:00:00.500Z'))).toThrow(/fractions of a second/);
    expect(() => chDateTime(new Date('1969-12-31T23:59:59Z'))).toThrow(/outside the range/);
    expect(() => chDateTime(new Date('nope'))).toThrow(ClickHouseLiteralError);
  });

  it('accepts known IANA zones only', () => {
    expect(chTimeZone('Europe/Berlin')).toBe("'Europe/Berlin'");
    expect(chTimeZone('UTC')).toBe("'UTC'");
    for (const zone of ["UTC'); drop", 'Mars/Olympus', '', 'Europe/Berlin\n']) {
      expect(() => chTimeZone(zone), zone).toThrow(ClickHouseLiteralError);
    }
  });

  it('renders finite numbers, negatives in parentheses, and counts as whole numbers', () => {
    expect(chNumber(0.9)).toBe('0.9');
    expect(chNumber(-1)).toBe('(-1)');
    expect(() => chNumber(Number.NaN)).toThrow(ClickHouseLiteralError);
    expect(() => chNumber(Number.POSITIVE_INFINITY)).toThrow(ClickHouseLiteralError);
    expect(chCount(3)).toBe('3');
    expect(() => chCount(2.5)).toThrow(ClickHouseLiteralError);
    expect(() => chCount(-1)).toThrow(ClickHouseLiteralError);
  });

  it('renders bound values by type: instants, ISO instants, text, numbers, null', () => {
    expect(chValue(new Date('2026-01-01T00:00:00Z'))).toBe("toDateTime('2026-01-01 00:00:00', 'UTC')");
    expect(chValue('2026-01-01T00:00:00.000Z')).toBe("toDateTime('2026-01-01 00:00:00', 'UTC')");
    expect(chValue('2026-01-01 00:00:00')).toBe("'2026-01-01 00:00:00'");
    expect(chValue("o'clock")).toBe("'o\\'clock'");
    expect(chValue(42)).toBe('42');
    expect(chValue(null)).toBe('NULL');
    expect(() => chValue({})).toThrow(ClickHouseLiteralError);
  });
});
