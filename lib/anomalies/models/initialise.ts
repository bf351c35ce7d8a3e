// One-off robust fit of the warm-up history: medians per slot of the day and per weekday give the seasonal
// factors, the median of the deseasonalised values the level, and same-phase differences one cycle apart
// the noise (overall and per phase). It runs once per series and is then refined online.
import type { ValueKind } from '../types';
import { type Bounds, inferBounds } from './fractional';
import { computeDayIndex, computeDayOfWeek, computeSlotOfDay, countDaySlots } from './phases';
import { DAY_MS, type Profile, WEEK_MS } from './profile';
import { computeMad, medianOf } from './robust';

export const FACTOR_MIN = 0.02;
export const FACTOR_MAX = 50;
// E|r| = 1.1829 · MAD for Gaussian noise.
const MAD_TO_MEAN_ABS = 1.1829;

export type WarmStart = {
  mult: boolean;
  bounds: Bounds;
  pointsPerBucket: number;
  /** Slots of the day shape (hourFactors): 24 for hourly data, more for sub-hourly, 1 without. */
  slots: number;
  level: number;
  hourFactors: Float64Array;
  dayFactors: Float64Array;
  scale: number;
  phaseScales: Float64Array;
  phaseCounts: Float64Array;
  baseFloor: number;
};

const COUNT_BOUNDS: Bounds = { lower: 0, upper: Infinity, unit: false };

export function initialiseBaseline(ts: number[], xs: number[], kind: ValueKind, profile: Profile): WarmStart {
  const mult = kind === 'count' || xs.every((x) => x > 0);
  const bounds = kind === 'count' ? COUNT_BOUNDS : inferBounds(xs);
  const neutral = mult ? 1 : 0;
  // Sparse counts have a median of 0: their slot medians carry no information, means do.
  const sparse = kind === 'count' && medianOf(xs) < 3;
  const centre = (values: number[]): number =>
    sparse ? values.reduce((a, b) => a + b, 0) / values.length : medianOf(values);

  const pointsPerBucket = computePointsPerBucket(ts, profile.intervalMs);
  // Sub-hourly data gets a finer day shape (up to quarter hours); hourly data one slot per hour.
  const slots = profile.hourOfDay ? countDaySlots(pointsPerBucket) : 1;
  const hourFactors = new Float64Array(slots).fill(neutral);
  const dayFactors = new Float64Array(7).fill(neutral);
  const hours = ts.map((t) => computeSlotOfDay(t, slots));
  const days = ts.map((t) => computeDayOfWeek(computeDayIndex(t, profile.hourOfDay)));
  if (profile.hourOfDay) fitFactors(xs, hours, hourFactors, mult, centre);
  const byHour = xs.map((x, i) => removeFactor(x, hourFactors[hours[i] as number] as number, mult));
  if (profile.dayOfWeek) fitFactors(byHour, days, dayFactors, mult, centre);
  const deseasonalised = byHour.map((y, i) => removeFactor(y, dayFactors[days[i] as number] as number, mult));
  const level = Math.max(mult ? 0 : -Infinity, centre(deseasonalised));

  const baseFloor = kind === 'count' ? 1 : Math.max(Math.abs(level) * 1e-9, 1e-300);
  const norm = mult ? Math.max(level, baseFloor) : 1;
  // Noise from same-phase differences one cycle apart (a day for hourly data, a week for daily, a bucket
  // for weekly): unlike residuals of a fit to these same points, they are not shrunk by the fit.
  const cycleMs = profile.hourOfDay ? DAY_MS : profile.dayOfWeek ? WEEK_MS : profile.intervalMs;
  const phases = profile.hourOfDay ? hours : days;
  const index = new Map<number, number>();
  ts.forEach((t, i) => index.set(t, i));
  const diffs: number[] = [];
  const phaseSlots = Math.max(slots, 7);
  const byPhase: number[][] = Array.from({ length: phaseSlots }, () => []);
  const removeOther = (i: number): number =>
    profile.hourOfDay
      ? removeFactor(xs[i] as number, dayFactors[days[i] as number] as number, mult)
      : (xs[i] as number);
  ts.forEach((t, i) => {
    const j = index.get(t - cycleMs);
    if (j === undefined) return;
    const d = Math.abs(removeOther(i) - removeOther(j)) / norm;
    diffs.push(d);
    byPhase[phases[i] as number]?.push(d);
  });
  let scale = measureScale(diffs);
  if (!(scale > 0))
    scale = measureResidualScale(xs, hours, days, hourFactors, dayFactors, level, mult, norm, profile);
  // Noise is rarely uniform over the day or the week: start each phase from its own differences.
  const phaseScales = new Float64Array(phaseSlots).fill(scale);
  const phaseCounts = new Float64Array(phaseSlots);
  byPhase.forEach((group, p) => {
    if (group.length < 3) return;
    phaseScales[p] = measureScale(group);
    // A handful of differences per phase is a rough estimate: it starts with the weight of a few cycles.
    phaseCounts[p] = Math.min(group.length, 3);
  });
  return {
    mult,
    bounds,
    pointsPerBucket,
    slots,
    level,
    hourFactors,
    dayFactors,
    scale: Number.isFinite(scale) ? scale : 0,
    phaseScales,
    phaseCounts,
    baseFloor,
  };
}

/** Mean |residual| of the noise from |differences| of two noisy values (√2 the noise): 0.8366 · median. */
function measureScale(absDiffs: number[]): number {
  if (absDiffs.length === 0) return 0;
  const m = medianOf(absDiffs);
  if (m > 0) return 0.8366 * m;
  return (0.7071 * absDiffs.reduce((a, b) => a + b, 0)) / absDiffs.length;
}

/** Fallback without a full cycle of history: MAD of the fit's residuals, corrected for the fit. */
function measureResidualScale(
  xs: number[],
  hours: number[],
  days: number[],
  hourFactors: Float64Array,
  dayFactors: Float64Array,
  level: number,
  mult: boolean,
  norm: number,
  profile: Profile,
): number {
  const residuals = xs.map((x, i) => {
    const h = hourFactors[hours[i] as number] as number;
    const d = dayFactors[days[i] as number] as number;
    return (x - (mult ? level * h * d : level + h + d)) / norm;
  });
  let scale = MAD_TO_MEAN_ABS * computeMad(residuals);
  if (!(scale > 0)) {
    const m = medianOf(residuals);
    scale = residuals.reduce((a, r) => a + Math.abs(r - m), 0) / Math.max(1, residuals.length);
  }
  const fitted = 1 + countDistinct(hours, profile.hourOfDay) + countDistinct(days, profile.dayOfWeek);
  return scale * Math.sqrt(xs.length / Math.max(1, xs.length - fitted));
}

function countDistinct(slots: number[], used: boolean): number {
  return used ? new Set(slots).size - 1 : 0;
}

function removeFactor(x: number, factor: number, mult: boolean): number {
  return mult ? x / factor : x - factor;
}

function fitFactors(
  xs: number[],
  slots: number[],
  factors: Float64Array,
  mult: boolean,
  centre: (values: number[]) => number,
): void {
  const overall = centre(xs);
  if (mult && !(overall > 1e-12)) return;
  const groups: number[][] = Array.from({ length: factors.length }, () => []);
  xs.forEach((x, i) => groups[slots[i] as number]?.push(x));
  let sum = 0;
  let seen = 0;
  groups.forEach((group, slot) => {
    if (group.length === 0) return;
    const c = centre(group);
    const f = mult ? Math.min(FACTOR_MAX, Math.max(FACTOR_MIN, c / overall)) : c - overall;
    factors[slot] = f;
    sum += f;
    seen++;
  });
  // Normalise the seen slots so the factors carry shape only and the level carries size.
  const mean = sum / Math.max(1, seen);
  groups.forEach((group, slot) => {
    if (group.length === 0) return;
    factors[slot] = mult ? (factors[slot] as number) / mean : (factors[slot] as number) - mean;
  });
}

function computePointsPerBucket(ts: number[], intervalMs: number): number {
  const steps: number[] = [];
  for (let i = 1; i < ts.length; i++) steps.push((ts[i] as number) - (ts[i - 1] as number));
  const step = medianOf(steps);
  if (!(step > 0)) return 1;
  return Math.min(1440, Math.max(1, Math.round(intervalMs / step)));
}
