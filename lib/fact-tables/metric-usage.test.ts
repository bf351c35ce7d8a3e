import { describe, expect, it } from 'vitest';
import { findBrokenMetrics } from './metric-usage';

const T = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const F1 = '00000000-0000-4000-8000-0000000000f1';

const ratio = {
  kind: 'fact',
  shape: 'ratio',
  numerator: { factTableId: T, aggregation: 'sum', column: 'amount', rowFilterIds: [F1] },
  denominator: { factTableId: OTHER, aggregation: 'sum', column: 'visits' },
};
const single = {
  kind: 'fact',
  shape: 'single',
  operand: { factTableId: T, aggregation: 'count' },
  breakdowns: ['country'],
};

describe('findBrokenMetrics', () => {
  it('reports the columns and row filters of this fact table that a change removes', () => {
    const broken = findBrokenMetrics(
      [
        { id: 'm1', name: 'Ratio', definition: ratio },
        { id: 'm2', name: 'Count', definition: single },
      ],
      T,
      { columns: new Set(['visits']), rowFilterIds: new Set() },
    );
    expect(broken).toEqual([
      { id: 'm1', name: 'Ratio', missingColumns: ['amount'], missingRowFilterIds: [F1] },
      { id: 'm2', name: 'Count', missingColumns: ['country'], missingRowFilterIds: [] },
    ]);
  });

  it('ignores operands that read another fact table', () => {
    const broken = findBrokenMetrics([{ id: 'm1', name: 'Ratio', definition: ratio }], T, {
      columns: new Set(['amount']),
      rowFilterIds: new Set([F1]),
    });
    expect(broken).toEqual([]);
  });

  it('fails loudly on a stored definition that does not parse', () => {
    expect(() =>
      findBrokenMetrics([{ id: 'm1', name: 'Bad', definition: { kind: 'fact' } }], T, {
        columns: new Set(),
        rowFilterIds: new Set(),
      }),
    ).toThrow(/does not parse/);
  });
});
