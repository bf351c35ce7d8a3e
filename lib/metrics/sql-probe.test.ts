import { describe, expect, it } from 'vitest';
import type { WarehouseColumn } from '@/lib/warehouse/types';
import { describeSqlMetricColumns } from './sql-probe';

const col = (name: string, type: WarehouseColumn['type'], nativeType: string = type): WarehouseColumn => ({
  name,
  type,
  nativeType,
});

describe('describeSqlMetricColumns', () => {
  it('accepts bucket and value, with or without a dimension', () => {
    expect(describeSqlMetricColumns([col('bucket', 'timestamp'), col('value', 'number')])).toBeNull();
    expect(
      describeSqlMetricColumns([
        col('value', 'number'),
        col('dimension', 'string'),
        col('bucket', 'timestamp'),
      ]),
    ).toBeNull();
  });

  it('names every problem in one message', () => {
    const message = describeSqlMetricColumns([
      col('bucket', 'string', 'text'),
      col('total', 'number', 'int8'),
      col('dimension', 'timestamp', 'timestamptz'),
    ]);
    expect(message).toMatch(/no "value" column/);
    expect(message).toMatch(/"bucket" is text; it must be a timestamp/);
    expect(message).toMatch(/"dimension" is timestamptz/);
    expect(message).toMatch(/also returns "total"/);
  });

  it('refuses a column returned twice', () => {
    expect(
      describeSqlMetricColumns([col('bucket', 'timestamp'), col('value', 'number'), col('value', 'number')]),
    ).toMatch(/more than one column named "value"/);
  });
});
