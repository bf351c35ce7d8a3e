// Input hygiene, so the model only ever sees finite, plausible values in time order.
//
// - value null / NaN / ±Infinity / |value| > 2^53 → a gap (insufficient, skipped by the baseline):
//   beyond 2^53 the warehouse has already lost integer precision, so the number cannot be trusted;
// - negative value of a count series → a gap for the same reason (a count cannot be negative);
// - timestamp that is not a finite number → insufficient, outside the timeline;
// - unsorted input → scored in time order (stable), results returned in input order;
// - duplicate timestamps → the last valid occurrence in input order is the bucket's value (an upsert);
//   the other occurrences are insufficient and carry the same expected value and band.
import type { Point, ValueKind } from './types';

const MAX_SAFE = 2 ** 53;

export type PreparedSeries = {
  /** Indices of points with a finite timestamp, in time order (ties in input order). */
  order: Int32Array;
  times: Float64Array;
  /** Sanitised values; NaN marks a gap. */
  values: Float64Array;
  /** 1 for the point that represents its timestamp (see duplicates above). */
  primary: Uint8Array;
};

export function prepareSeries(points: readonly Point[], kind: ValueKind): PreparedSeries {
  const n = points.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  const all = new Int32Array(n);
  const counts = kind === 'count';
  let m = 0;
  let sorted = true;
  let strictlyIncreasing = true;
  let lastT = -Infinity;
  for (let i = 0; i < n; i++) {
    const point = points[i];
    const t = point == null ? NaN : point.t;
    const v = point == null ? NaN : point.value;
    values[i] = typeof v !== 'number' || !(v >= -MAX_SAFE && v <= MAX_SAFE) || (counts && v < 0) ? NaN : v;
    if (typeof t !== 'number' || !(t > -Infinity && t < Infinity)) {
      times[i] = NaN;
      continue;
    }
    times[i] = t;
    if (t <= lastT) {
      strictlyIncreasing = false;
      if (t < lastT) sorted = false;
    }
    lastT = t;
    all[m++] = i;
  }
  const order = m === n ? all : all.slice(0, m);
  if (!sorted) order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const primary = new Uint8Array(n);
  if (strictlyIncreasing && m === n) {
    primary.fill(1);
    return { order, times, values, primary };
  }
  let start = 0;
  while (start < m) {
    const t = times[order[start] as number] as number;
    let end = start;
    while (end + 1 < m && times[order[end + 1] as number] === t) end++;
    let chosen = order[end] as number;
    for (let k = end; k > start && Number.isNaN(values[chosen] as number); k--)
      chosen = order[k - 1] as number;
    if (Number.isNaN(values[chosen] as number)) chosen = order[end] as number;
    primary[chosen] = 1;
    start = end + 1;
  }
  return { order, times, values, primary };
}
