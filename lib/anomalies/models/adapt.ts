// The rare "this is the new normal" steps of the engine, kept out of the hot loop:
// - estimateAnchor: the new level (and slope) after the CUSUM confirmed a lasting shift;
// - measureVarianceBurst: whether recent deviations are a variance change rather than incidents;
// - refitSeason: the seasonal shape of the last cycle, when the seasonal-naive challenger won;
// - recentre: keeps factors carrying shape only, so the level carries size.
import { FACTOR_MAX, FACTOR_MIN } from './initialise';
import { medianOfFirst } from './robust';

export const RING = 64;
const Z_SUSPECT = 4;
const MEDIAN_ABS_Z = 0.6745;
const BURST_MIN = 1.25;
/** z² is clipped for the variance evidence, so one outlier cannot pass for a variance change. */
const SQUARE_CLIP = 16;

/**
 * New level from the excursion that tripped the CUSUM: a trimmed mean of its later half, so the pre-shift
 * points it starts with do not drag the anchor (a median would: small counts are skewed). A slope is taken
 * only from a long excursion that clearly ramps the same way (a handful of points cannot tell a ramp from
 * a step). Writes [level, trend | NaN].
 */
export function estimateAnchor(
  ring: Float64Array,
  seq: number,
  start: number,
  direction: number,
  noise: number,
  scratch: Float64Array,
  sorted: Float64Array,
  out: Float64Array,
): void {
  const n = Math.max(1, Math.min(RING, seq - start));
  for (let i = 0; i < n; i++) scratch[i] = ring[(seq - n + i) & (RING - 1)] as number;
  const half = Math.max(1, n >> 1);
  const late = trimmedMean(scratch.subarray(n - half, n), sorted);
  out[0] = late;
  out[1] = NaN;
  if (n < 10) return;
  const early = trimmedMean(scratch.subarray(0, n - half), sorted);
  const rise = late - early;
  if (Math.abs(rise) > 4 * noise * Math.sqrt(2 / half) && Math.sign(rise) === direction) {
    const trend = rise / (n / 2);
    out[0] = late + trend * ((half - 1) / 2);
    out[1] = trend;
  }
}

/** Mean without the lowest and highest fifth. */
function trimmedMean(values: Float64Array, sorted: Float64Array): number {
  const n = values.length;
  medianOfFirst(values, n, sorted);
  const cut = Math.floor(n / 5);
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += sorted[i] as number;
  return sum / (n - 2 * cut);
}

/**
 * Multiplier for the noise scale when the last `window` z look like a variance burst: several large
 * deviations of both signs, flipping like noise (a seasonal misfit flips a few times per cycle). 0 if not.
 */
export function measureVarianceBurst(
  zs: Float64Array,
  zSeq: number,
  window: number,
  scratch: Float64Array,
  sorted: Float64Array,
): number {
  const n = Math.min(zSeq, window);
  if (n < 6) return 0;
  let ups = 0;
  let downs = 0;
  let runs = 1;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const z = zs[(zSeq - 1 - i) & (RING - 1)] as number;
    scratch[i] = Math.abs(z);
    if (z >= Z_SUSPECT) ups++;
    else if (z <= -Z_SUSPECT) downs++;
    if (z * previous < 0) runs++;
    if (z !== 0) previous = z;
  }
  if (ups + downs < 3 || ups === 0 || downs === 0 || runs < n / 4) return 0;
  const m = medianOfFirst(scratch, n, sorted) / MEDIAN_ABS_Z;
  return m > BURST_MIN ? m : 0;
}

/** Sum of clipped z² over the last `window` z of the ring once `z` is added (the ring keeps its order). */
export function measureMeanSquare(
  zs: Float64Array,
  zSeq: number,
  sum: number,
  z: number,
  window: number,
): number {
  let next = sum + (z * z > SQUARE_CLIP ? SQUARE_CLIP : z * z);
  if (zSeq >= window) {
    const old = zs[(zSeq - window) & (RING - 1)] as number;
    next -= old * old > SQUARE_CLIP ? SQUARE_CLIP : old * old;
  }
  return next;
}

/** Mean square of n standard normals as a z-score (Wilson–Hilferty: χ²/n is roughly normal in its cube root). */
export function measureChiSquareZ(meanSquare: number, n: number): number {
  const spread = Math.sqrt(2 / (9 * n));
  return (Math.cbrt(meanSquare) - (1 - spread * spread)) / spread;
}

/**
 * Replaces `factors` by the shape of the cycle that ends at `step` (values recorded by the challenger,
 * already free of the other seasonal factor). Returns the cycle's level, or NaN when it cannot be used.
 */
export function refitSeason(
  factors: Float64Array,
  mult: boolean,
  values: Float64Array,
  steps: Float64Array,
  phases: Int16Array,
  step: number,
): number {
  const width = values.length;
  const sums = new Float64Array(factors.length);
  const counts = new Float64Array(factors.length);
  let total = 0;
  let n = 0;
  for (let slot = 0; slot < width; slot++) {
    const s = steps[slot] as number;
    if (!(s > step - width && s <= step)) continue;
    const phase = phases[slot] as number;
    const v = values[slot] as number;
    sums[phase] = (sums[phase] as number) + v;
    counts[phase] = (counts[phase] as number) + 1;
    total += v;
    n++;
  }
  const level = total / Math.max(1, n);
  if (n === 0 || (mult && !(level > 0))) return NaN;
  for (let i = 0; i < factors.length; i++) {
    const c = counts[i] as number;
    if (c === 0) continue;
    const mean = (sums[i] as number) / c;
    factors[i] = mult ? clampFactor(mean / level) : mean - level;
  }
  return level;
}

/** Re-centres factors to mean 1 (or 0) once every slot has been seen; returns what the level absorbs. */
export function recentre(factors: Float64Array, counts: Float64Array, mult: boolean): number {
  const neutral = mult ? 1 : 0;
  let sum = 0;
  for (let i = 0; i < factors.length; i++) {
    if ((counts[i] as number) === 0) return neutral;
    sum += factors[i] as number;
  }
  const mean = sum / factors.length;
  if (mult) {
    if (!(mean > 0)) return 1;
    for (let i = 0; i < factors.length; i++) factors[i] = (factors[i] as number) / mean;
  } else {
    for (let i = 0; i < factors.length; i++) factors[i] = (factors[i] as number) - mean;
  }
  return mean;
}

function clampFactor(f: number): number {
  return f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
}
