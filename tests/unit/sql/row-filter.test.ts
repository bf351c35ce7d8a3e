import { describe, expect, it } from 'vitest';

import { checkRowFilter } from '@/lib/sql/guard';
import type { GuardCode } from '@/lib/sql/result';

const COLUMNS = [
  'status',
  'amount',
  'country',
  'created_at',
  'discount',
  'email',
  'is_test',
  'tags',
  'payload',
  'note',
  'MixedCase',
  'scores',
] as const;

const allowed: [string, string][] = [
  ["status = 'completed'", 'a simple comparison'],
  ["amount > 100 and country in ('US', 'CA')", 'AND with an IN list'],
  ['coalesce(discount, 0) > 0', 'a plain function'],
  ["created_at >= date '2024-01-01'", 'a typed literal'],
  ["Status = 'completed'", 'unquoted names fold to lower case'],
  ['"MixedCase" = 1', 'a quoted mixed-case column'],
  ['not is_test', 'a boolean column'],
  ["email like '%@example.com'", 'LIKE'],
  ['amount between 1 and 10', 'BETWEEN'],
  ["tags @> array['vip']", 'array containment'],
  ["payload->>'kind' = 'signup'", 'JSON operator'],
  ['discount is not null', 'IS NOT NULL'],
  ["lower(status) = 'ok'", 'lower()'],
  ["status = 'a;b'", 'a semicolon inside a string'],
  ["note = '-- not a comment'", 'a comment marker inside a string'],
  ['note = $$a) or (b$$', 'parentheses inside a dollar quote'],
  ["note = E'\\')'", 'an escaped quote and a parenthesis inside an E-string'],
  ["(status = 'a') or (status = 'b')", 'balanced parentheses'],
  ['amount = any(array[1, 2, 3])', '= ANY(array)'],
  ['scores[1] > 10', 'an array subscript'],
  ["status::text = 'x'", 'a cast'],
  ["created_at > now() - interval '7 days'", 'now() and an interval'],
  ["case when amount > 10 then status = 'big' else false end", 'CASE'],
  ['true', 'a boolean constant'],
];

const rejected: [string, GuardCode, string][] = [
  ['1=1) OR (1=1', 'row_filter', 'closing the surrounding parenthesis'],
  ["status = 'x') or true or (status = 'y'", 'row_filter', 'closing the parenthesis with columns'],
  ['(amount = 1', 'row_filter', 'an unclosed parenthesis'],
  ['amount = 1)', 'row_filter', 'an extra closing parenthesis'],
  ["note = '\\') or true or (note = '\\'", 'row_filter', 'a standard string does not escape with backslash'],
  ["note = '\\')'", 'syntax', 'an unterminated string after a backslash'],
  ['amount = 1 -- comment', 'row_filter', 'a line comment'],
  ['/* c */ amount = 1', 'row_filter', 'a block comment'],
  ['amount = 1; delete from orders', 'row_filter', 'a second statement'],
  ['amount = (select max(amount) from orders)', 'row_filter', 'a scalar subquery'],
  ['exists (select 1)', 'row_filter', 'EXISTS'],
  ['status in (select status from orders)', 'row_filter', 'IN (SELECT …)'],
  ['count(*) > 0', 'row_filter', 'an aggregate'],
  ['sum(amount) > 10', 'row_filter', 'an aggregate on a column'],
  ['row_number() over () = 1', 'row_filter', 'a window function'],
  ['grouping(status) = 0', 'row_filter', 'GROUPING()'],
  ['pg_sleep(1) is null', 'denied_function', 'pg_sleep'],
  ["amount > 0 and lo_import('/etc/passwd') > 0", 'denied_function', 'lo_import'],
  ["set_config('x', 'y', false) = 'y'", 'denied_function', 'set_config'],
  ["nextval('s') > 0", 'denied_function', 'nextval'],
  ['unknown_col = 1', 'unknown_column', 'a column the fact table does not have'],
  ['"Status" = \'x\'', 'unknown_column', 'quoted names keep their case'],
  ['mixedcase = 1', 'unknown_column', 'unquoted names fold to lower case'],
  ["orders.status = 'x'", 'row_filter', 'a table-qualified column'],
  ["public.orders.status = 'x'", 'row_filter', 'a schema-qualified column'],
  ['$1 = 1', 'template', 'a positional parameter'],
  ['created_at > {{start}}', 'template', 'a placeholder'],
  ['amount = 1 for update', 'syntax', 'a locking clause'],
  ['amount = 1 union select 1', 'syntax', 'a set operation'],
  ["status = 'unterminated", 'syntax', 'an unterminated string'],
  ['1', 'row_filter', 'a bare value'],
  ['', 'row_filter', 'an empty filter'],
  ['   ', 'row_filter', 'whitespace only'],
  ['amount = 1\u0000', 'bad_text', 'a NUL byte'],
  ["status = 'a\u202Eb'", 'bad_text', 'a bidi override'],
  ["status = '\uD800'", 'bad_text', 'a lone surrogate'],
  [`status = '${'x'.repeat(20_000)}'`, 'too_large', 'over 10 KB'],
  [`${'('.repeat(300)}true${')'.repeat(300)}`, 'too_deep', '300 nested parentheses'],
];

describe('checkRowFilter', () => {
  it.each(allowed.map(([fragment, why]) => [why, fragment] as const))(
    'accepts %s',
    async (_why, fragment) => {
      expect(await checkRowFilter(fragment, COLUMNS)).toEqual({
        ok: true,
        normalized: fragment.trim(),
        params: [],
      });
    },
  );

  it.each(rejected.map(([fragment, code, why]) => [why, code, fragment] as const))(
    'rejects %s with %s',
    async (_why, code, fragment) => {
      expect(await checkRowFilter(fragment, COLUMNS)).toMatchObject({ ok: false, code });
    },
  );

  it('points at the parenthesis that escapes the filter', async () => {
    expect(await checkRowFilter('1=1) OR (1=1', COLUMNS)).toEqual({
      ok: false,
      code: 'row_filter',
      message:
        'The row filter closes a ")" it did not open; a row filter must be one self-contained condition.',
      position: 3,
    });
  });

  it('lists the available columns for an unknown one and points at it', async () => {
    const result = await checkRowFilter("amount > 1 and stauts = 'x'", ['amount', 'status']);
    expect(result).toEqual({
      ok: false,
      code: 'unknown_column',
      message: 'Unknown column "stauts" in the row filter; available columns: amount, status.',
      position: 15,
    });
  });

  it('reports syntax errors relative to the fragment', async () => {
    const result = await checkRowFilter('amount >', COLUMNS);
    expect(result).toMatchObject({ ok: false, code: 'syntax' });
    if (!result.ok) expect(result.position).toBeLessThanOrEqual('amount >'.length);
  });

  it('trims the fragment it returns', async () => {
    expect(await checkRowFilter("  status = 'x'\n", COLUMNS)).toMatchObject({
      ok: true,
      normalized: "status = 'x'",
    });
  });

  it('refuses input that is not a string', async () => {
    expect(await checkRowFilter({} as unknown as string, COLUMNS)).toMatchObject({
      ok: false,
      code: 'bad_text',
    });
  });
});
