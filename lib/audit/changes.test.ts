import { describe, expect, it } from 'vitest';
import { auditChanges } from './changes';

describe('auditChanges', () => {
  it('lists a created resource field by field, nested objects included', () => {
    expect(
      auditChanges(undefined, { name: 'Orders', scope: { type: 'tags', tags: ['shop'] }, enabled: true }),
    ).toEqual([
      { path: 'name', before: undefined, after: 'Orders' },
      { path: 'scope.type', before: undefined, after: 'tags' },
      { path: 'scope.tags', before: undefined, after: ['shop'] },
      { path: 'enabled', before: undefined, after: true },
    ]);
  });

  it('lists a deleted resource the same way, with only befores', () => {
    expect(auditChanges({ definition: { kind: 'sql', sql: 'select 1' } }, undefined)).toEqual([
      { path: 'definition.kind', before: 'sql', after: undefined },
      { path: 'definition.sql', before: 'select 1', after: undefined },
    ]);
  });

  it('shows only what changed in an update, arrays whole', () => {
    expect(
      auditChanges(
        { version: 1, tags: ['a'], definition: { operand: { aggregation: 'count', column: null } } },
        { version: 2, tags: ['a', 'b'], definition: { operand: { aggregation: 'sum', column: 'amount' } } },
      ),
    ).toEqual([
      { path: 'version', before: 1, after: 2 },
      { path: 'tags', before: ['a'], after: ['a', 'b'] },
      { path: 'definition.operand.aggregation', before: 'count', after: 'sum' },
      { path: 'definition.operand.column', before: null, after: 'amount' },
    ]);
  });

  it('finds nothing when nothing was recorded', () => {
    expect(auditChanges(undefined, undefined)).toEqual([]);
  });
});
