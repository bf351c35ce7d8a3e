/**
 * The ClickHouse scan renderer: conditional aggregates, zone-aware buckets for 18.16, NULL for empty min/max/
 * avg/percentiles, breakdowns without window functions, and SQL the ClickHouse guard accepts as it stands.
 * Whether the SQL computes the same values as the Postgres renderer is proven against real servers in
 * tests/integration/clickhouse.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateExpression,
  bucketExpression,
  renderBreakdownScan,
  renderScan,
} from '@/lib/collection/render-clickhouse';
import type { AggregateSpec, BreakdownScan, PlanFactTable, Scan } from '@/lib/collection/plan';
import { checkSelect } from '@/lib/sql/guard';

const table = (timestamp: { name: string; nativeType: string }): PlanFactTable => ({
  id: 'ft',
  name: 'events',
  dataSourceId: 'ds',
  sql: 'select * from events -- trailing comment',
  timestampColumn: timestamp.name,
  columns: [
    { ...timestamp, type: 'timestamp' },
    { name: 'amount', nativeType: 'Decimal(10, 2)', type: 'number' },
    { name: 'country', nativeType: 'Nullable(String)', type: 'string' },
  ],
  rowFilters: new Map(),
  dialect: 'clickhouse',
});

const events = table({ name: 'ts', nativeType: 'DateTime' });
const spec = (aggregation: AggregateSpec['aggregation'], column: string | null, filters: string[] = []) => ({
  alias: 'a0',
  aggregation,
  column,
  filters,
});

describe('buckets', () => {
  it('floors DateTime columns in the project zone with functions 18.16 has', () => {
    expect(bucketExpression(events, 'hour', 'Asia/Kolkata')).toBe("toStartOfHour(q.`ts`, 'Asia/Kolkata')");
    expect(bucketExpression(events, 'day', 'Europe/Berlin')).toBe("toStartOfDay(q.`ts`, 'Europe/Berlin')");
    expect(bucketExpression(events, 'week', 'UTC')).toBe("toDateTime(toMonday(q.`ts`, 'UTC'), 'UTC')");
  });

  it('reads Date columns as midnight in the project zone', () => {
    const days = table({ name: 'day', nativeType: 'Nullable(Date)' });
    expect(bucketExpression(days, 'day', 'Europe/Berlin')).toBe(
      "toStartOfDay(toDateTime(q.`day`, 'Europe/Berlin'), 'Europe/Berlin')",
    );
  });

  it('refuses a zone that is not a known IANA name', () => {
    expect(() => bucketExpression(events, 'hour', "UTC') or 1=1 --")).toThrow(/Unknown time zone/);
  });
});

describe('aggregates', () => {
  it('uses -If combinators with each filter as a 0/1 condition on its own lines', () => {
    expect(aggregateExpression(spec('count', null, ["status = 'completed'", "country = 'DE'"]))).toBe(
      "countIf(if((\nstatus = 'completed'\n), 1, 0) and if((\ncountry = 'DE'\n), 1, 0))",
    );
    expect(aggregateExpression(spec('count', null))).toBe('count()');
    expect(aggregateExpression(spec('count', 'amount'))).toBe('countIf(isNotNull(q.`amount`))');
    expect(aggregateExpression(spec('count_distinct', 'country'))).toBe('uniqExact(q.`country`)');
    expect(aggregateExpression(spec('sum', 'amount', ['x > 1']))).toBe(
      'sumIf(q.`amount`, if((\nx > 1\n), 1, 0))',
    );
  });

  it('answers NULL, not 0 or nan, for min, max, avg and percentiles over no rows', () => {
    expect(aggregateExpression(spec('min', 'amount'))).toBe(
      'if(countIf(isNotNull(q.`amount`)) = 0, NULL, min(q.`amount`))',
    );
    expect(aggregateExpression(spec('avg', 'amount', ['x > 1']))).toBe(
      'if(countIf(isNotNull(q.`amount`) and if((\nx > 1\n), 1, 0)) = 0, NULL, avgIf(toFloat64(q.`amount`), if((\nx > 1\n), 1, 0)))',
    );
    expect(aggregateExpression(spec('p90', 'amount'))).toBe(
      'if(countIf(isNotNull(q.`amount`)) = 0, NULL, quantile(0.9)(toFloat64(q.`amount`)))',
    );
    expect(aggregateExpression(spec('p99', 'amount', ['x > 1']))).toContain(
      'quantileIf(0.99)(toFloat64(q.`amount`), if((\nx > 1\n), 1, 0))',
    );
  });
});

describe('scans', () => {
  const scan: Scan = {
    key: 'ft',
    factTable: events,
    aggregates: [spec('count', null), { ...spec('sum', 'amount', ["status = 'it\\'s'"]), alias: 'a1' }],
  };

  it('renders one guarded statement over the window, buckets returned in UTC', async () => {
    const sql = renderScan(scan, 'hour', 'Europe/Berlin');
    expect(sql).toContain("select toTimeZone(s.sightline_bucket, 'UTC') as bucket,");
    expect(sql).toContain('q.`ts` >= {{start}} and q.`ts` < {{end}}');
    expect(sql).toContain('group by sightline_bucket');
    // The fact table's trailing comment ends on its own line.
    expect(sql).toContain('-- trailing comment\n) as q');
    const verdict = await checkSelect(sql, { dialect: 'clickhouse', placeholders: ['start', 'end'] });
    expect(verdict).toMatchObject({ ok: true, params: ['start', 'end'] });
  });

  it('renders breakdowns with LIMIT BY instead of window functions, and (other) for the rest', async () => {
    const breakdown: BreakdownScan = { ...scan, key: 'ft|country|3', dimension: 'country', topN: 3 };
    const sql = renderBreakdownScan(breakdown, 'day', 'UTC');
    expect(sql).not.toMatch(/over\s*\(/i);
    expect(sql).toContain('limit 3 by sightline_top_bucket');
    expect(sql).toContain("ifNull(toString(q.`country`), '(null)')");
    expect(sql).toContain("'(other)') as sightline_value");
    expect(sql).toContain('s.sightline_value as dimension_value');
    const verdict = await checkSelect(sql, { dialect: 'clickhouse', placeholders: ['start', 'end'] });
    expect(verdict.ok).toBe(true);
  });
});
