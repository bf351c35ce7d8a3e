import { describe, expect, it } from 'vitest';
import { metricDefinitionSchema } from '@/lib/metrics/schemas';
import { describeDefinition, type DefinitionLookup } from './definition';

const ORDERS = '00000000-0000-4000-8000-000000000001';
const COMPLETED = '00000000-0000-4000-8000-000000000002';
const SOURCE = '00000000-0000-4000-8000-000000000003';
const REVENUE = '00000000-0000-4000-8000-000000000004';
const USERS = '00000000-0000-4000-8000-000000000005';

const lookup: DefinitionLookup = {
  factTables: new Map([
    [
      ORDERS,
      {
        name: 'Orders',
        rowFilters: new Map([[COMPLETED, { name: 'completed', expression: "status = 'completed'" }]]),
      },
    ],
  ]),
  dataSources: new Map([[SOURCE, 'Warehouse']]),
  metrics: new Map([
    [REVENUE, 'Revenue'],
    [USERS, 'Daily active users'],
  ]),
};

const describe_ = (raw: unknown, valueKind: 'count' | 'fractional' = 'count') =>
  describeDefinition(metricDefinitionSchema.parse(raw), { lookup, valueKind });

describe('describeDefinition', () => {
  it('spells out a fact metric with its filters and breakdowns', () => {
    const view = describe_({
      kind: 'fact',
      shape: 'single',
      operand: { factTableId: ORDERS, aggregation: 'sum', column: 'amount', rowFilterIds: [COMPLETED] },
      breakdowns: ['country'],
    });
    expect(view.summary).toBe('Sum of amount in Orders where completed, broken down by country.');
    expect(view.parts).toContainEqual({
      label: 'Fact table',
      value: 'Orders',
      link: `fact-tables/${ORDERS}`,
    });
    expect(view.parts).toContainEqual({
      label: 'Row filters',
      value: 'completed',
      code: ["status = 'completed'"],
    });
  });

  it('writes a ratio as numerator over denominator', () => {
    const view = describe_(
      {
        kind: 'fact',
        shape: 'ratio',
        numerator: { factTableId: ORDERS, aggregation: 'count', rowFilterIds: [COMPLETED] },
        denominator: { factTableId: ORDERS, aggregation: 'count' },
      },
      'fractional',
    );
    expect(view.summary).toBe(
      '(Count of rows in Orders where completed) ÷ (Count of rows in Orders); a zero denominator is a gap.',
    );
    expect(view.parts.map((p) => p.label)).toContain('Denominator: fact table');
  });

  it('shows a SQL metric with its data source and query', () => {
    const view = describe_({
      kind: 'sql',
      dataSourceId: SOURCE,
      sql: 'SELECT 1 AS value',
      valueKind: 'count',
    });
    expect(view.sql).toBe('SELECT 1 AS value');
    expect(view.parts[0]).toMatchObject({ label: 'Data source', value: 'Warehouse' });
  });

  it('names the inputs of a composition, and marks what no longer exists', () => {
    expect(describe_({ kind: 'composition', op: 'div', a: REVENUE, b: USERS }, 'fractional').summary).toBe(
      'Revenue ÷ Daily active users, computed from the stored series of those metrics.',
    );
    expect(describe_({ kind: 'composition', op: 'scale', a: ORDERS, k: 2 }).summary).toBe(
      '2 × (deleted), computed from the stored series of that metric.',
    );
  });
});
