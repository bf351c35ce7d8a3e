import { describe, expect, it } from 'vitest';
import { aggregatePeriod, comparePeriods, deltaPct, movingAverage, trailingSum } from './transforms';

describe('movingAverage', () => {
  it('averages the trailing window, this bucket included, once the window is full', () => {
    expect(movingAverage([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
  });

  it('skips gaps but refuses a mean of fewer than half the window', () => {
    expect(movingAverage([2, null, 4, 6, null, null], 3)).toEqual([null, null, 3, 5, 5, null]);
  });

  it('with a window of one is the series itself', () => {
    expect(movingAverage([1, null, 3], 1)).toEqual([1, null, 3]);
  });

  it('matches a direct computation on a long series', () => {
    const values = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? null : Math.sin(i) * 10 + i));
    const window = 24;
    const direct = values.map((_, i) => {
      if (i < window - 1) return null;
      const slice = values.slice(i - window + 1, i + 1).filter((v): v is number => v !== null);
      return slice.length >= window / 2 ? slice.reduce((a, b) => a + b, 0) / slice.length : null;
    });
    movingAverage(values, window).forEach((v, i) => {
      if (direct[i] === null) expect(v).toBeNull();
      else expect(v).toBeCloseTo(direct[i] as number, 9);
    });
  });
});

describe('trailingSum', () => {
  it('totals the trailing window', () => {
    expect(trailingSum([1, 2, 3, 4], 2)).toEqual([null, 3, 5, 7]);
  });

  it('is unknown while any bucket of its window is unknown', () => {
    expect(trailingSum([1, null, 3, 4, 5], 2)).toEqual([null, null, null, 7, 9]);
  });
});

describe('period over period', () => {
  it('computes a relative change against the absolute baseline', () => {
    expect(deltaPct(110, 100)).toBeCloseTo(10);
    expect(deltaPct(90, 100)).toBeCloseTo(-10);
    expect(deltaPct(-50, -100)).toBeCloseTo(50);
    expect(deltaPct(5, 0)).toBeNull();
    expect(deltaPct(null, 3)).toBeNull();
  });

  it('compares counts by their totals', () => {
    const result = comparePeriods({ current: [10, 20, 30], previous: [10, 10, 20], valueKind: 'count' });
    expect(result).toEqual({ aggregate: 'total', current: 60, previous: 40, deltaPct: 50 });
  });

  it('compares fractional series by their means, skipping gaps', () => {
    const result = comparePeriods({
      current: [0.2, null, 0.4],
      previous: [0.2, 0.2, null],
      valueKind: 'fractional',
    });
    expect(result.aggregate).toBe('mean');
    expect(result.current).toBeCloseTo(0.3);
    expect(result.previous).toBeCloseTo(0.2);
    expect(result.deltaPct).toBeCloseTo(50);
  });

  it('has no baseline when the previous period holds no values', () => {
    expect(comparePeriods({ current: [1], previous: [null, null], valueKind: 'count' }).deltaPct).toBeNull();
    expect(aggregatePeriod([], 'mean')).toBeNull();
  });
});
