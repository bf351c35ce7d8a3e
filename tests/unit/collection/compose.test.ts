import { describe, expect, it } from 'vitest';
import { composeSeries } from '@/lib/collection/compose';
import { readSqlMetricRows, SqlMetricShapeError } from '@/lib/collection/sql-metric';

const h = (n: number) => new Date(Date.UTC(2026, 0, 1, n));
const series = (entries: [number, number | null][]) =>
  new Map(entries.map(([hour, v]) => [h(hour).getTime(), v]));
const buckets = [h(0), h(1), h(2), h(3)];

describe('compositions', () => {
  it('reads a missing count bucket as 0 and a missing fractional bucket as unknown', () => {
    const a = {
      valueKind: 'count' as const,
      values: series([
        [0, 10],
        [1, 4],
      ]),
    };
    const b = {
      valueKind: 'count' as const,
      values: series([
        [0, 5],
        [2, 3],
      ]),
    };
    const sub = composeSeries({ kind: 'composition', op: 'sub', a: 'a', b: 'b', k: null }, buckets, a, b);
    expect(sub.map((p) => [p.bucket.getUTCHours(), p.value])).toEqual([
      [0, 5],
      [1, 4],
      [2, -3],
    ]);
    const fractional = { valueKind: 'fractional' as const, values: b.values };
    const add = composeSeries(
      { kind: 'composition', op: 'add', a: 'a', b: 'b', k: null },
      buckets,
      a,
      fractional,
    );
    expect(add.map((p) => p.value)).toEqual([15, null, 3]);
  });

  it('makes division by zero a gap and scales by k', () => {
    const a = {
      valueKind: 'count' as const,
      values: series([
        [0, 10],
        [1, 4],
      ]),
    };
    const b = {
      valueKind: 'count' as const,
      values: series([
        [0, 0],
        [1, 2],
      ]),
    };
    const div = composeSeries({ kind: 'composition', op: 'div', a: 'a', b: 'b', k: null }, buckets, a, b);
    expect(div.map((p) => p.value)).toEqual([null, 2]);
    const scaled = composeSeries(
      { kind: 'composition', op: 'scale', a: 'a', b: null, k: 1.5 },
      buckets,
      a,
      null,
    );
    expect(scaled.map((p) => p.value)).toEqual([15, 6]);
  });
});

describe('sql metric rows', () => {
  const opts = {
    interval: 'hour' as const,
    zone: 'UTC',
    window: { start: h(0), end: h(3) },
    valueKind: 'count' as const,
  };

  it('floors buckets, drops rows outside the window and reads numeric strings', () => {
    const { series: points } = readSqlMetricRows(
      [
        { bucket: new Date(Date.UTC(2026, 0, 1, 1, 30)), value: '7' },
        { bucket: h(5), value: 1 },
      ],
      ['bucket', 'value'],
      opts,
    );
    expect(points).toEqual([{ bucket: h(1), value: 7 }]);
  });

  it('names the missing column, a duplicate bucket and a non-number value', () => {
    expect(() => readSqlMetricRows([], ['day', 'value'], opts)).toThrow(/no "bucket" column.*day, value/);
    expect(() =>
      readSqlMetricRows(
        [
          { bucket: h(1), value: 1 },
          { bucket: h(1), value: 2 },
        ],
        ['bucket', 'value'],
        opts,
      ),
    ).toThrow(SqlMetricShapeError);
    expect(() => readSqlMetricRows([{ bucket: h(1), value: 'many' }], ['bucket', 'value'], opts)).toThrow(
      /not a number/,
    );
  });

  it('stores dimension rows as a breakdown and sums them into a count total', () => {
    const { series: points, breakdown } = readSqlMetricRows(
      [
        { bucket: h(1), value: 2, dimension: 'ios' },
        { bucket: h(1), value: 3, dimension: 'web' },
      ],
      ['bucket', 'value', 'dimension'],
      opts,
    );
    expect(points).toEqual([{ bucket: h(1), value: 5 }]);
    expect(breakdown.map((p) => [p.dimensionValue, p.value])).toEqual([
      ['ios', 2],
      ['web', 3],
    ]);
  });
});
