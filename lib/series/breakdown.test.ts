import { describe, expect, it } from 'vitest';
import { buildBreakdown, OTHER, rollupBreakdown } from './breakdown';

const H = 3_600_000;
const buckets = [0, 1, 2].map((i) => new Date(i * H));
const row = (i: number, dimensionValue: string, value: number | null) => ({
  t: i * H,
  dimensionValue,
  value,
});

describe('buildBreakdown', () => {
  it('keeps the top values by total, folds the rest and the stored (other) into one series', () => {
    const view = buildBreakdown({
      dimension: 'country',
      interval: 'hour',
      buckets,
      valueKind: 'count',
      topN: 2,
      rows: [
        row(0, 'US', 10),
        row(1, 'US', 10),
        row(0, 'DE', 8),
        row(2, 'DE', 4),
        row(0, 'FR', 1),
        row(1, 'BR', 2),
        row(2, OTHER, 3),
      ],
    });
    expect(view.keys.map((k) => k.label)).toEqual(['US', 'DE', OTHER]);
    expect(view.points).toEqual([
      { t: 0, v0: 10, v1: 8, v2: 1 },
      { t: H, v0: 10, v1: 0, v2: 2 },
      { t: 2 * H, v0: 0, v1: 4, v2: 3 },
    ]);
    expect(view.rows.map((r) => [r.label, r.value, r.latest])).toEqual([
      ['US', 20, 0],
      ['DE', 12, 4],
      [OTHER, 6, 3],
    ]);
    expect(view.rows.map((r) => r.share)).toEqual([20 / 38, 12 / 38, 6 / 38]);
    expect(view.stacked).toBe(true);
  });

  it('draws fractional values side by side, leaves gaps and counts what it cannot fold', () => {
    const view = buildBreakdown({
      dimension: 'platform',
      interval: 'hour',
      buckets,
      valueKind: 'fractional',
      topN: 1,
      rows: [row(0, 'ios', 30), row(2, 'ios', 50), row(1, 'android', 40)],
    });
    expect(view.keys.map((k) => k.label)).toEqual(['ios']);
    expect(view.points.map((p) => p.v0)).toEqual([30, null, 50]);
    expect(view.rows[0]).toEqual({ label: 'ios', value: 40, share: null, latest: 50 });
    expect(view.hidden).toBe(1);
    expect(view.stacked).toBe(false);
  });

  it('is empty without rows', () => {
    const view = buildBreakdown({
      dimension: 'x',
      interval: 'hour',
      buckets,
      valueKind: 'count',
      topN: 5,
      rows: [],
    });
    expect(view.keys).toEqual([]);
    expect(view.rows).toEqual([]);
    expect(view.points).toHaveLength(3);
  });
});

describe('rollupBreakdown', () => {
  const hours = Array.from({ length: 48 }, (_, i) => new Date(Date.UTC(2025, 0, 1, i)));
  const rows = hours.flatMap((at, i) => [
    { t: at.getTime(), dimensionValue: 'a', value: 3 },
    ...(i < 24 ? [] : [{ t: at.getTime(), dimensionValue: 'b', value: i % 2 === 0 ? 4 : null }]),
  ]);

  it('adds counts up per day', () => {
    const view = buildBreakdown({
      dimension: 'd',
      interval: 'hour',
      buckets: hours,
      rows,
      valueKind: 'count',
      topN: 5,
    });
    const daily = rollupBreakdown(view, { to: 'day', timeZone: 'UTC', valueKind: 'count' });
    expect(daily.interval).toBe('day');
    expect(daily.points).toEqual([
      { t: Date.UTC(2025, 0, 1), v0: 72, v1: 0 },
      { t: Date.UTC(2025, 0, 2), v0: 72, v1: 48 },
    ]);
    expect(daily.rows).toBe(view.rows);
  });

  it('leaves out partial days at either end', () => {
    const view = buildBreakdown({
      dimension: 'd',
      interval: 'hour',
      buckets: hours.slice(6, 40),
      rows,
      valueKind: 'count',
      topN: 5,
    });
    expect(rollupBreakdown(view, { to: 'day', timeZone: 'UTC', valueKind: 'count' }).points).toEqual([]);
    const whole = buildBreakdown({
      dimension: 'd',
      interval: 'hour',
      buckets: hours.slice(6),
      rows,
      valueKind: 'count',
      topN: 5,
    });
    expect(
      rollupBreakdown(whole, { to: 'day', timeZone: 'UTC', valueKind: 'count' }).points.map((p) => p.t),
    ).toEqual([Date.UTC(2025, 0, 2)]);
  });

  it('averages fractional values per day and keeps empty days as gaps', () => {
    const view = buildBreakdown({
      dimension: 'd',
      interval: 'hour',
      buckets: hours,
      rows,
      valueKind: 'fractional',
      topN: 5,
    });
    const daily = rollupBreakdown(view, { to: 'day', timeZone: 'UTC', valueKind: 'fractional' });
    expect(daily.points.map((p) => [p.v0, p.v1])).toEqual([
      [3, null],
      [3, 4],
    ]);
  });
});
