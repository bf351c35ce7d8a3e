/**
 * Densify on read: every bucket of a range is present. Inside the collected span a missing count-shaped bucket
 * reads 0 (no orders that hour) and a missing fractional one reads null (no ratio without a denominator).
 * Outside it (before the first stored bucket, at or after the watermark) nothing is known yet, so every kind
 * reads null: a year of hourly orders must not show months of zeros before collection began.
 */
import type { ValueKind } from '@/lib/metrics/schemas';

export type SeriesPoint = { t: number; value: number | null };

/** The buckets collection has covered: [start, end), in epoch ms; null bounds are open. */
export type Coverage = { start: number | null; end: number | null };

export function densify({
  buckets,
  stored,
  valueKind,
  coverage = { start: null, end: null },
}: {
  buckets: readonly (Date | number)[];
  stored: Iterable<SeriesPoint>;
  valueKind: ValueKind;
  coverage?: Coverage;
}): SeriesPoint[] {
  const byBucket = new Map<number, number | null>();
  for (const p of stored) byBucket.set(p.t, p.value);
  return buckets.map((b) => {
    const t = typeof b === 'number' ? b : b.getTime();
    if (byBucket.has(t)) return { t, value: byBucket.get(t) ?? null };
    const covered =
      (coverage.start === null || t >= coverage.start) && (coverage.end === null || t < coverage.end);
    return { t, value: covered && valueKind === 'count' ? 0 : null };
  });
}

/**
 * `densify` for long ranges, column-wise: `times` and `storedTimes` are both sorted ascending, so one merge walk
 * replaces the map. Returns each bucket's value and the index of its stored row (-1 when none), which lets a
 * caller read other stored columns (the band) without a lookup per bucket.
 */
export function densifySorted({
  times,
  storedTimes,
  storedValues,
  valueKind,
  coverage = { start: null, end: null },
}: {
  times: readonly number[];
  storedTimes: ArrayLike<number>;
  /** The stored value per stored time; null or NaN where the stored value is a gap. */
  storedValues: ArrayLike<number | null>;
  valueKind: ValueKind;
  coverage?: Coverage;
}): { values: (number | null)[]; rows: Int32Array } {
  const n = times.length;
  const values = new Array<number | null>(n);
  const rows = new Int32Array(n).fill(-1);
  const fill = valueKind === 'count' ? 0 : null;
  const from = coverage.start ?? -Infinity;
  const to = coverage.end ?? Infinity;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i] as number;
    while (j < storedTimes.length && (storedTimes[j] as number) < t) j++;
    if (j < storedTimes.length && storedTimes[j] === t) {
      const value = storedValues[j] ?? null;
      rows[i] = j;
      values[i] = value === null || Number.isNaN(value) ? null : value;
    } else {
      values[i] = t >= from && t < to ? fill : null;
    }
  }
  return { values, rows };
}
