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
