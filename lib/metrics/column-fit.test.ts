import { describe, expect, it } from 'vitest';
import { acceptedColumnTypes, isBreakdownColumn, isColumnFit } from './column-fit';
import { AGGREGATIONS } from './schemas';

describe('which columns suit an aggregation', () => {
  it('sums, averages and percentiles read numbers only', () => {
    for (const aggregation of ['sum', 'avg', 'p50', 'p90', 'p95', 'p99'] as const) {
      expect(acceptedColumnTypes(aggregation)).toEqual(['number']);
      expect(isColumnFit(aggregation, 'timestamp')).toBe(false);
    }
  });

  it('min and max also order timestamps', () => {
    expect(isColumnFit('min', 'timestamp')).toBe(true);
    expect(isColumnFit('max', 'number')).toBe(true);
    expect(isColumnFit('max', 'string')).toBe(false);
  });

  it('counts take any column', () => {
    for (const type of ['number', 'string', 'boolean', 'timestamp'] as const) {
      expect(isColumnFit('count', type)).toBe(true);
      expect(isColumnFit('count_distinct', type)).toBe(true);
    }
  });

  it('every aggregation has a rule', () => {
    for (const aggregation of AGGREGATIONS) expect(isColumnFit(aggregation, 'number')).toBe(true);
  });

  it('breakdowns group by anything but a timestamp', () => {
    expect(isBreakdownColumn('string')).toBe(true);
    expect(isBreakdownColumn('boolean')).toBe(true);
    expect(isBreakdownColumn('number')).toBe(true);
    expect(isBreakdownColumn('timestamp')).toBe(false);
  });
});
