import { describe, expect, it } from 'vitest';

import { bindPlaceholders, PlaceholderError, toSourcePosition } from '@/lib/sql/placeholders';

const WINDOW = ['start', 'end'] as const;

function bindError(sql: string, allowed: readonly string[] = WINDOW): PlaceholderError {
  try {
    bindPlaceholders(sql, allowed);
  } catch (error) {
    if (error instanceof PlaceholderError) return error;
    throw error;
  }
  throw new Error(`expected bindPlaceholders to throw for ${sql}`);
}

describe('bindPlaceholders', () => {
  it('replaces each placeholder with a numbered parameter', () => {
    const bound = bindPlaceholders('select x from t where ts >= {{start}} and ts < {{end}}', WINDOW);
    expect(bound.text).toBe('select x from t where ts >= $1 and ts < $2');
    expect(bound.names).toEqual(['start', 'end']);
  });

  it('reuses the number of a name used twice', () => {
    const bound = bindPlaceholders('select {{start}}, {{end}}, {{start}}', WINDOW);
    expect(bound.text).toBe('select $1, $2, $1');
    expect(bound.names).toEqual(['start', 'end']);
    expect(bound.occurrences.map((o) => o.number)).toEqual([1, 2, 1]);
  });

  it('numbers names in order of first use, not in the order they are allowed', () => {
    expect(bindPlaceholders('select {{end}}, {{start}}', WINDOW).names).toEqual(['end', 'start']);
  });

  it('accepts spaces inside the braces', () => {
    expect(bindPlaceholders('select {{ start }}', WINDOW).text).toBe('select $1');
  });

  it('pads the parameter so it cannot merge with a neighbouring identifier or digit', () => {
    expect(bindPlaceholders('select x{{start}}1', WINDOW).text).toBe('select x $1 1');
    expect(bindPlaceholders('select {{start}}::timestamptz', WINDOW).text).toBe('select $1::timestamptz');
  });

  it('leaves placeholder text in comments alone', () => {
    const sql = 'select 1 -- {{start}}\n/* {{nope}} */';
    expect(bindPlaceholders(sql, WINDOW)).toMatchObject({ text: sql, names: [] });
  });

  it('leaves text without placeholders unchanged', () => {
    expect(bindPlaceholders("select '{}', '{{1,2},{3,4}}'::int[]", WINDOW).text).toBe(
      "select '{}', '{{1,2},{3,4}}'::int[]",
    );
  });

  it('refuses a placeholder inside a string literal with a clear message', () => {
    const error = bindError("select * from t where ts >= '{{start}}'");
    expect(error.message).toBe(
      'A placeholder inside a string literal is not replaced. Write it without quotes, e.g. created_at >= {{start}}.',
    );
    expect(error.position).toBe(28);
  });

  it('refuses placeholders inside E-strings, dollar quotes and quoted identifiers', () => {
    expect(bindError("select E'\\'{{start}}'").message).toContain('string literal');
    expect(bindError('select $q${{end}}$q$').message).toContain('string literal');
    expect(bindError('select "{{start}}" from t').message).toContain('quoted identifier');
  });

  it('refuses unknown names, naming the allowed ones', () => {
    expect(bindError('select {{startDate}}').message).toBe(
      'Unknown placeholder {{startDate}}; allowed: {{start}} and {{end}}.',
    );
  });

  it('treats names as case-sensitive', () => {
    expect(bindError('select {{Start}}').message).toContain('Unknown placeholder {{Start}}');
  });

  it('refuses every placeholder when none are allowed', () => {
    expect(bindError('select {{start}}', []).message).toBe(
      'Unknown placeholder {{start}}; allowed: no placeholders.',
    );
  });

  it.each(['select {{start}', 'select {{}}', 'select {{1}}', 'select {{start end}}', 'select {{start} }'])(
    'refuses the malformed placeholder in %j',
    (sql) => {
      expect(bindError(sql).message).toBe('Malformed placeholder; write {{start}} and {{end}}.');
    },
  );

  it('leaves separated braces for the parser to reject', () => {
    expect(bindPlaceholders('select { {start}}', WINDOW).names).toEqual([]);
  });

  it('refuses positional parameters written by hand', () => {
    const error = bindError('select x from t where ts >= $1');
    expect(error.message).toBe(
      'Positional parameters such as $1 are not allowed; use {{start}} and {{end}} for the time window.',
    );
  });

  it('does not mistake $ inside identifiers or dollar quotes for a parameter', () => {
    expect(bindPlaceholders('select a$1, $$ $1 $$ from t', WINDOW).text).toBe('select a$1, $$ $1 $$ from t');
  });

  it('maps positions in the bound text back to the source', () => {
    const sql = 'select {{start}}, oops';
    const bound = bindPlaceholders(sql, WINDOW);
    expect(toSourcePosition(bound, bound.text.indexOf('oops'))).toBe(sql.indexOf('oops'));
    expect(toSourcePosition(bound, bound.text.indexOf('$1'))).toBe(sql.indexOf('{{start}}'));
  });
});
