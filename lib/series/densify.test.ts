import { describe, expect, it } from 'vitest';
import { densify, densifySorted } from './densify';

const H = 3_600_000;
const buckets = [0, 1, 2, 3, 4, 5].map((i) => i * H);

describe('densify', () => {
  it('fills missing count-shaped buckets with 0 and fractional ones with null', () => {
    const stored = [
      { t: 1 * H, value: 5 },
      { t: 3 * H, value: 7 },
    ];
    expect(densify({ buckets, stored, valueKind: 'count' }).map((p) => p.value)).toEqual([0, 5, 0, 7, 0, 0]);
    expect(densify({ buckets, stored, valueKind: 'fractional' }).map((p) => p.value)).toEqual([
      null,
      5,
      null,
      7,
      null,
      null,
    ]);
  });

  it('keeps every bucket of the range, in order, with its start', () => {
    const dense = densify({ buckets: buckets.map((t) => new Date(t)), stored: [], valueKind: 'count' });
    expect(dense.map((p) => p.t)).toEqual(buckets);
  });

  it('keeps a stored null (a reported gap) even for counts', () => {
    const dense = densify({ buckets, stored: [{ t: 2 * H, value: null }], valueKind: 'count' });
    expect(dense.map((p) => p.value)).toEqual([0, 0, null, 0, 0, 0]);
  });

  it('reads buckets outside the collected span as unknown, whatever the kind', () => {
    const dense = densify({
      buckets,
      stored: [{ t: 2 * H, value: 4 }],
      valueKind: 'count',
      coverage: { start: 2 * H, end: 4 * H },
    });
    expect(dense.map((p) => p.value)).toEqual([null, null, 4, 0, null, null]);
  });

  it('ignores stored rows outside the range', () => {
    const dense = densify({ buckets, stored: [{ t: 99 * H, value: 1 }], valueKind: 'fractional' });
    expect(dense.every((p) => p.value === null)).toBe(true);
  });
});

describe('densifySorted', () => {
  const times = [0, 1, 2, 3, 4, 5].map((i) => i * H);

  it('reads the same values as densify, and where each stored row sits', () => {
    const stored = [
      { t: 1 * H, value: 5 },
      { t: 2 * H, value: null },
      { t: 3 * H, value: 7 },
      { t: 9 * H, value: 1 },
    ];
    for (const valueKind of ['count', 'fractional'] as const) {
      const coverage = { start: 1 * H, end: 5 * H };
      const { values, rows } = densifySorted({
        times,
        storedTimes: stored.map((p) => p.t),
        storedValues: stored.map((p) => p.value),
        valueKind,
        coverage,
      });
      expect(values).toEqual(densify({ buckets: times, stored, valueKind, coverage }).map((p) => p.value));
      expect([...rows]).toEqual([-1, 0, 1, 2, -1, -1]);
    }
  });

  it('skips stored rows before the range', () => {
    const { values, rows } = densifySorted({
      times: [2 * H, 3 * H],
      storedTimes: [0, H, 3 * H],
      storedValues: [1, 2, 3],
      valueKind: 'count',
    });
    expect(values).toEqual([0, 3]);
    expect([...rows]).toEqual([-1, 2]);
  });
});
