import { describe, expect, it } from 'vitest';
import { placeFieldError } from '@/components/metrics/field-placement';
import type { DefinitionValues } from '@/components/metrics/form-values';

const operand = { factTableId: 'ft', aggregation: 'count' as const, column: null, rowFilterIds: [] };
const single: DefinitionValues = { kind: 'fact', shape: 'single', operand, breakdowns: [], topN: 10 };
const ratio: DefinitionValues = { kind: 'fact', shape: 'ratio', numerator: operand, denominator: operand };
const sql: DefinitionValues = { kind: 'sql', dataSourceId: 'ds', sql: 'SELECT 1' };
const scale: DefinitionValues = { kind: 'composition', op: 'scale', a: 'm', b: null, k: null };

describe('where a server field error is shown', () => {
  it('puts metadata errors on their field and tag errors on the tag box', () => {
    expect(placeFieldError('name', single)).toBe('name');
    expect(placeFieldError('tags.3', single)).toBe('tags');
  });

  it('puts operand errors on the operand the form shows', () => {
    expect(placeFieldError('definition.operand.column', single)).toBe('definition.operand.column');
    expect(placeFieldError('definition.operand.rowFilterIds.1', single)).toBe(
      'definition.operand.rowFilterIds',
    );
    expect(placeFieldError('definition.denominator.factTableId', ratio)).toBe(
      'definition.denominator.factTableId',
    );
    expect(placeFieldError('definition.operand.column', ratio)).toBeNull();
  });

  it('shows breakdown errors beside the breakdowns, and top N only while it is shown', () => {
    expect(placeFieldError('definition.breakdowns.2', single)).toBe('definition.breakdowns');
    expect(placeFieldError('definition.topN', single)).toBeNull();
    expect(placeFieldError('definition.topN', { ...single, breakdowns: ['country'] })).toBe(
      'definition.topN',
    );
  });

  it('puts a warehouse refusal of a SQL metric beside the SQL', () => {
    expect(placeFieldError('definition', sql)).toBe('definition.sql');
    expect(placeFieldError('definition.sql', sql)).toBe('definition.sql');
    expect(placeFieldError('definition', single)).toBeNull();
  });

  it('places composition errors only on the fields its operation shows', () => {
    expect(placeFieldError('definition.k', scale)).toBe('definition.k');
    expect(placeFieldError('definition.b', scale)).toBeNull();
    expect(placeFieldError('definition.b', { ...scale, op: 'div' })).toBe('definition.b');
  });
});
