/**
 * ClickHouse-specific guard rules the adapter relies on: `system.settings` is a table while SETTINGS is refused,
 * placeholders are found by the lexer (never inside strings), and row filters must stay one unit as ClickHouse
 * lexes them, where a backslash escapes a quote.
 */
import { describe, expect, it } from 'vitest';
import { checkClickHouseRowFilter, findClickHousePlaceholders } from '@/lib/sql/clickhouse';
import { checkRowFilter, checkSelect } from '@/lib/sql/guard';

const check = (sql: string) => checkSelect(sql, { dialect: 'clickhouse' });

describe('statements', () => {
  it('reads system.settings, but refuses a SETTINGS clause in any case or spacing', async () => {
    expect((await check("select name, value from system.settings where name = 'readonly'")).ok).toBe(true);
    expect((await check('select * from system.`settings`')).ok).toBe(true);
    for (const sql of [
      'select 1 settings readonly = 0',
      'select 1 SeTtInGs max_execution_time=0',
      'select 1\nsettings\treadonly=0',
      'select * from (select 1 settings readonly=0)',
    ]) {
      expect(await check(sql), sql).toMatchObject({ ok: false, code: 'settings' });
    }
  });
});

describe('placeholders', () => {
  it('finds {{name}} outside strings, quoted names and comments', () => {
    const sql = "select '{{start}}', `{{end}}` from t where a >= {{start}} -- {{end}}\n and b < {{ end }}";
    expect(findClickHousePlaceholders(sql).map((p) => [p.name, sql.slice(p.start, p.end)])).toEqual([
      ['start', '{{start}}'],
      ['end', '{{ end }}'],
    ]);
  });
});

describe('row filters', () => {
  const columns = ['status', 'country', 'amount'];

  it('accepts plain conditions', async () => {
    for (const filter of [
      "status = 'completed'",
      "country IN ('DE', 'FR') AND amount > 10",
      "status = 'it''s'",
    ]) {
      expect(await checkClickHouseRowFilter(filter, columns), filter).toMatchObject({ ok: true });
    }
  });

  it('refuses a filter whose quotes ClickHouse reads differently, so it would escape its parentheses', async () => {
    // Postgres reads 'x\' as a whole string; ClickHouse reads \' as an escaped quote, and `) or (1=1` as code.
    const filter = "status = 'x\\' OR ') or (1=1' = 'y'";
    expect(await checkRowFilter(filter, columns)).toMatchObject({ ok: true });
    expect(await checkClickHouseRowFilter(filter, columns)).toMatchObject({ ok: false });
  });

  it('refuses comments, statements, subqueries, settings and table functions', async () => {
    for (const filter of [
      "status = 'a' -- comment",
      "status = 'a' /* c */",
      "status = 'a'; select 1",
      'amount > (select max(amount) from t)',
      "status = 'a' settings readonly = 0",
      "status IN (select c1 from url('http://x', CSV, 'c1 String'))",
    ]) {
      expect(await checkClickHouseRowFilter(filter, columns), filter).toMatchObject({ ok: false });
    }
  });
});
