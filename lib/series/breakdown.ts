/**
 * The breakdown view of one dimension: the top N values over the shown range, the rest folded into
 * "(other)", densified like the series. Counts fold by summing; a fractional value (a mean, a percentile)
 * cannot be summed with others, so beyond the top N those values are left out and counted instead.
 */
import { addBuckets, bucketFloor } from '@/lib/collection/buckets';
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import { densify, type Coverage } from './densify';
import { aggregatePeriod, periodAggregateOf } from './transforms';
import type { BreakdownView } from './schemas';

export const OTHER = '(other)';

export type BreakdownRowInput = { t: number; dimensionValue: string; value: number | null };

export function buildBreakdown({
  dimension,
  interval,
  buckets,
  rows,
  valueKind,
  topN,
  coverage,
}: {
  dimension: string;
  interval: MetricInterval;
  buckets: readonly Date[];
  rows: readonly BreakdownRowInput[];
  valueKind: ValueKind;
  topN: number;
  coverage?: Coverage;
}): BreakdownView {
  const aggregate = periodAggregateOf(valueKind);
  const byValue = new Map<string, { t: number; value: number | null }[]>();
  for (const row of rows) {
    let list = byValue.get(row.dimensionValue);
    if (!list) byValue.set(row.dimensionValue, (list = []));
    list.push({ t: row.t, value: row.value });
  }

  // Rank by total for counts; by how much of the range a value covers, then its mean, for fractional ones.
  const ranked = [...byValue.entries()]
    .filter(([label]) => label !== OTHER)
    .map(([label, points]) => {
      const values = points.map((p) => p.value);
      return {
        label,
        points,
        weight:
          aggregate === 'total'
            ? (aggregatePeriod(values, 'total') ?? 0)
            : values.filter((v) => v !== null).length,
        tie: aggregatePeriod(values, 'mean') ?? 0,
      };
    })
    .sort((a, b) => b.weight - a.weight || b.tie - a.tie || a.label.localeCompare(b.label));

  const top = ranked.slice(0, topN);
  const rest = ranked.slice(topN);
  const series: { label: string; points: { t: number; value: number | null }[] }[] = top.map((r) => ({
    label: r.label,
    points: r.points,
  }));
  let hidden = 0;
  if (valueKind === 'count') {
    const folded = new Map<number, number>();
    const add = (t: number, v: number | null) => {
      if (v !== null) folded.set(t, (folded.get(t) ?? 0) + v);
    };
    for (const r of rest) for (const p of r.points) add(p.t, p.value);
    for (const p of byValue.get(OTHER) ?? []) add(p.t, p.value);
    if (folded.size > 0) {
      series.push({ label: OTHER, points: [...folded].map(([t, value]) => ({ t, value })) });
    }
  } else {
    hidden = rest.length;
  }

  const dense = series.map((s) => densify({ buckets, stored: s.points, valueKind, coverage }));
  const keys = series.map((s, i) => ({ key: `v${i}`, label: s.label }));
  const points = buckets.map((b, i) => {
    const point: { t: number } & Record<string, number | null> = { t: b.getTime() };
    dense.forEach((d, k) => {
      point[`v${k}`] = d[i]?.value ?? null;
    });
    return point;
  });

  const totals = dense.map((d) =>
    aggregatePeriod(
      d.map((p) => p.value),
      aggregate,
    ),
  );
  const grand = aggregate === 'total' ? totals.reduce<number>((sum, v) => sum + (v ?? 0), 0) : 0;
  const rowsOut = series.map((s, i) => {
    const values = dense[i] ?? [];
    let latest: number | null = null;
    for (let j = values.length - 1; j >= 0; j--) {
      const v = values[j]?.value ?? null;
      if (v !== null) {
        latest = v;
        break;
      }
    }
    const value = totals[i] ?? null;
    return {
      label: s.label,
      value,
      share: aggregate === 'total' && grand > 0 && value !== null ? value / grand : null,
      latest,
    };
  });

  return { dimension, interval, keys, points, rows: rowsOut, stacked: valueKind === 'count', hidden };
}

/** Hourly breakdowns over long ranges are drawn per day: thousands of thin stacked slivers read as noise. */
export const ROLLUP_AFTER_BUCKETS = 720;

/**
 * The chart points of a breakdown regrouped into coarser buckets (hours into days): counts add up, fractional
 * values average; a coarse bucket with no known value stays a gap. A partial day at either end is left out:
 * half a day of orders would read as a drop. The table rows are left as they are.
 */
export function rollupBreakdown(
  view: BreakdownView,
  { to, timeZone, valueKind }: { to: MetricInterval; timeZone: string; valueKind: ValueKind },
): BreakdownView {
  const groups = new Map<number, { sum: number[]; n: number[] }>();
  const order: number[] = [];
  for (const point of view.points) {
    const t = bucketFloor(new Date(point.t), to, timeZone).getTime();
    let group = groups.get(t);
    if (!group) {
      group = { sum: view.keys.map(() => 0), n: view.keys.map(() => 0) };
      groups.set(t, group);
      order.push(t);
    }
    view.keys.forEach((k, i) => {
      const v = point[k.key];
      if (v === null || v === undefined) return;
      group.sum[i] = (group.sum[i] ?? 0) + v;
      group.n[i] = (group.n[i] ?? 0) + 1;
    });
  }
  const first = view.points[0];
  const last = view.points.at(-1);
  const isStart = (t: number) => bucketFloor(new Date(t), to, timeZone).getTime() === t;
  const complete = order.filter((t, i) => {
    if (i === 0 && first && !isStart(first.t)) return false;
    if (i === order.length - 1 && last) {
      const after = addBuckets(new Date(last.t), view.interval, 1, timeZone).getTime();
      if (!isStart(after)) return false;
    }
    return true;
  });
  const points = complete.map((t) => {
    const group = groups.get(t);
    const point: { t: number } & Record<string, number | null> = { t };
    view.keys.forEach((k, i) => {
      const n = group?.n[i] ?? 0;
      const sum = group?.sum[i] ?? 0;
      point[k.key] = n === 0 ? null : valueKind === 'count' ? sum : sum / n;
    });
    return point;
  });
  return { ...view, interval: to, points };
}
