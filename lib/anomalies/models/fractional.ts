// Fractional series (ratios, averages, percentiles) have no natural noise floor, so their scale is purely
// empirical (see noise in the engine). What they do have is bounds: a ratio lives in [0, 1] and an
// average of non-negative values stays ≥ 0, so expected values and bands are clamped to them; and for a
// ratio near a bound the size of a move is judged relative to that bound (99.9 % → 99.0 % uptime is a
// tenfold error rate, not a 1 % dip), which the engine applies to the minimum relative effect.

export type Bounds = { lower: number; upper: number; unit: boolean };

export const UNBOUNDED: Bounds = { lower: -Infinity, upper: Infinity, unit: false };

/** Bounds inferred from the warm-up history: [0, 1] for ratios, [0, ∞) for non-negative values. */
export function inferBounds(values: number[]): Bounds {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min >= 0 && max <= 1) return { lower: 0, upper: 1, unit: true };
  if (min >= 0) return { lower: 0, upper: Infinity, unit: false };
  return UNBOUNDED;
}
