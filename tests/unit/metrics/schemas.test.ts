import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '@/lib/errors';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';

const FT = '00000000-0000-4000-8000-000000000001';
const M1 = '00000000-0000-4000-8000-000000000002';
const M2 = '00000000-0000-4000-8000-000000000003';

const base = { name: 'Orders', interval: 'hour' };
const fieldErrors = (input: unknown) => {
  const result = metricInputSchema.safeParse(input);
  return result.success ? {} : toFieldErrors(result.error);
};

describe('the metric definition union', () => {
  it('accepts each kind and fills the defaults', () => {
    const single = metricInputSchema.parse({
      ...base,
      definition: { kind: 'fact', shape: 'single', operand: { factTableId: FT, aggregation: 'count' } },
    });
    expect(single).toMatchObject({ lifecycle: 'draft', sensitivity: 5, format: 'number', tags: [] });
    expect(single.definition).toMatchObject({
      breakdowns: [],
      topN: 10,
      operand: { column: null, rowFilterIds: [] },
    });

    const ratio = metricInputSchema.parse({
      ...base,
      definition: {
        kind: 'fact',
        shape: 'ratio',
        numerator: { factTableId: FT, aggregation: 'sum', column: 'amount' },
        denominator: { factTableId: FT, aggregation: 'count' },
      },
    });
    expect(valueKindOf(ratio.definition)).toBe('fractional');

    const sqlMetric = metricInputSchema.parse({
      ...base,
      definition: { kind: 'sql', dataSourceId: FT, sql: 'select 1' },
    });
    expect(valueKindOf(sqlMetric.definition)).toBe('fractional');

    const composition = metricInputSchema.parse({
      ...base,
      definition: { kind: 'composition', op: 'scale', a: M1, k: 100 },
    });
    expect(valueKindOf(composition.definition, () => 'count')).toBe('count');
  });

  it('points each error at the field that caused it', () => {
    expect(
      fieldErrors({
        ...base,
        definition: { kind: 'fact', shape: 'single', operand: { factTableId: FT, aggregation: 'sum' } },
      }),
    ).toEqual({ 'definition.operand.column': 'Pick the column to sum.' });
    expect(fieldErrors({ ...base, definition: { kind: 'composition', op: 'div', a: M1 } })).toEqual({
      'definition.b': 'Pick the second metric.',
    });
    expect(fieldErrors({ ...base, definition: { kind: 'composition', op: 'sub', a: M1, b: M1 } })).toEqual({
      'definition.b': 'Pick a different metric than the first.',
    });
    expect(
      fieldErrors({ ...base, name: '', definition: { kind: 'composition', op: 'add', a: M1, b: M2 } }),
    ).toEqual({
      name: 'Name is required.',
    });
  });

  it('refuses column names that are not plain identifiers', () => {
    const errors = fieldErrors({
      ...base,
      definition: {
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: FT, aggregation: 'sum', column: 'amount; drop' },
      },
    });
    expect(errors['definition.operand.column']).toBe('Pick a column of the fact table.');
  });

  it('refuses unknown keys, unknown kinds, and hostile text', () => {
    expect(
      fieldErrors({ ...base, extra: 1, definition: { kind: 'sql', dataSourceId: FT, sql: 'select 1' } }),
    ).toHaveProperty('_');
    expect(fieldErrors({ ...base, definition: { kind: 'python', code: 'x' } })).toHaveProperty([
      'definition.kind',
    ]);
    expect(
      fieldErrors({
        ...base,
        name: 'Rev\u202Eenue',
        definition: { kind: 'composition', op: 'add', a: M1, b: M2 },
      }).name,
    ).toMatch(/bidirectional/);
  });

  it('counts are count-shaped, averages and percentiles fractional', () => {
    const kindOf = (aggregation: string, column: string | null) =>
      valueKindOf(
        metricInputSchema.parse({
          ...base,
          definition: { kind: 'fact', shape: 'single', operand: { factTableId: FT, aggregation, column } },
        }).definition,
      );
    expect(kindOf('count', null)).toBe('count');
    expect(kindOf('count_distinct', 'customer_id')).toBe('count');
    expect(kindOf('sum', 'amount')).toBe('count');
    expect(kindOf('avg', 'amount')).toBe('fractional');
    expect(kindOf('p95', 'amount')).toBe('fractional');
  });
});
