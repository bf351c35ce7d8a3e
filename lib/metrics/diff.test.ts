import { describe, expect, it } from 'vitest';
import { diffSnapshots } from './diff';

const v1 = {
  name: 'Revenue',
  tags: ['sales'],
  interval: 'day',
  definition: {
    kind: 'fact',
    shape: 'single',
    operand: { factTableId: 'ft', aggregation: 'sum', column: 'amount', rowFilterIds: [] },
    breakdowns: [],
  },
};

describe('diffSnapshots', () => {
  it('finds nothing between equal snapshots, whatever the key order', () => {
    const reordered = { definition: v1.definition, interval: 'day', tags: ['sales'], name: 'Revenue' };
    expect(diffSnapshots(v1, reordered)).toEqual([]);
  });

  it('names each changed leaf by its dotted path', () => {
    const v2 = {
      ...v1,
      name: 'Net revenue',
      definition: { ...v1.definition, operand: { ...v1.definition.operand, column: 'net_amount' } },
    };
    expect(diffSnapshots(v1, v2)).toEqual([
      { path: 'name', before: 'Revenue', after: 'Net revenue' },
      { path: 'definition.operand.column', before: 'amount', after: 'net_amount' },
    ]);
  });

  it('compares arrays whole', () => {
    expect(diffSnapshots({ tags: ['a', 'b'] }, { tags: ['b', 'a'] })).toEqual([
      { path: 'tags', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
    expect(diffSnapshots({ tags: ['a'] }, { tags: ['a'] })).toEqual([]);
  });

  it('reports keys that appear or disappear, as when the kind changes', () => {
    const sqlMetric = { ...v1, definition: { kind: 'sql', sql: 'select 1', dataSourceId: 'ds' } };
    const changes = diffSnapshots(v1, sqlMetric);
    expect(changes).toContainEqual({ path: 'definition.kind', before: 'fact', after: 'sql' });
    expect(changes).toContainEqual({ path: 'definition.shape', before: 'single', after: undefined });
    expect(changes).toContainEqual({
      path: 'definition.operand',
      before: v1.definition.operand,
      after: undefined,
    });
    expect(changes).toContainEqual({ path: 'definition.sql', before: undefined, after: 'select 1' });
  });

  it('treats null and a missing key as different, and an object replacing a scalar as one change', () => {
    expect(diffSnapshots({ b: null }, {})).toEqual([{ path: 'b', before: null, after: undefined }]);
    expect(diffSnapshots({ k: 1 }, { k: { x: 1 } })).toEqual([{ path: 'k', before: 1, after: { x: 1 } }]);
  });
});
