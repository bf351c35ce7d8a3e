// Per-interval settings of the baseline model. Rates are per bucket (per visit of a seasonal slot for the
// seasonal factors); the model rescales them when a series has several points per bucket.
import type { Interval } from '../types';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export type Profile = {
  intervalMs: number;
  hourOfDay: boolean;
  dayOfWeek: boolean;
  /** Default valid points before anything is scored. */
  minHistory: number;
  /** Level smoothing per bucket; slow on purpose: lasting shifts are re-anchored explicitly. */
  alpha: number;
  /** Trend learning as a fraction of the level correction, and its damping per bucket. */
  beta: number;
  phi: number;
  /** Seasonal factor smoothing per cycle (per visit of the slot). */
  gammaDay: number;
  gammaWeek: number;
  /** Global and per-phase noise-scale smoothing. */
  lambda: number;
  lambdaPhase: number;
  /** CUSUM limit (in noise units) after which a lasting shift becomes the new level. */
  cusumLimit: number;
  /** How long after a re-anchor a return to the old level counts as recovery, in buckets. */
  recoveryBuckets: number;
  /** Recent buckets inspected for a variance burst. */
  varianceWindow: number;
};

export const PROFILES: Record<Interval, Profile> = {
  hour: {
    intervalMs: HOUR_MS,
    hourOfDay: true,
    dayOfWeek: true,
    minHistory: 168,
    alpha: 0.04,
    beta: 0.05,
    phi: 0.995,
    gammaDay: 0.15,
    gammaWeek: 0.2,
    lambda: 0.02,
    lambdaPhase: 0.08,
    cusumLimit: 20,
    recoveryBuckets: 96,
    varianceWindow: 24,
  },
  day: {
    intervalMs: DAY_MS,
    hourOfDay: false,
    dayOfWeek: true,
    minHistory: 21,
    alpha: 0.06,
    beta: 0.05,
    phi: 0.97,
    gammaDay: 0,
    gammaWeek: 0.15,
    lambda: 0.05,
    lambdaPhase: 0.1,
    cusumLimit: 14,
    recoveryBuckets: 21,
    varianceWindow: 14,
  },
  week: {
    intervalMs: WEEK_MS,
    hourOfDay: false,
    dayOfWeek: false,
    minHistory: 8,
    alpha: 0.25,
    beta: 0.1,
    phi: 0.9,
    gammaDay: 0,
    gammaWeek: 0,
    lambda: 0.1,
    lambdaPhase: 0.1,
    cusumLimit: 10,
    recoveryBuckets: 8,
    varianceWindow: 8,
  },
};

export type Rates = {
  stepMs: number;
  perStep: number;
  /** Points per visit of a day-shape slot (per seasonal phase), and its reciprocal. */
  slotVisits: number;
  perVisit: number;
  maxSteps: number;
  alpha: number;
  phi: number;
  gammaDay: number;
  gammaWeek: number;
  lambda: number;
  lambdaPhase: number;
  phaseMemory: number;
  dayMinSeen: number;
  burstWindow: number;
};

/**
 * Per-point rates for a series with `ppb` points per bucket (sub-hourly data scored as hourly) and a day
 * shape of `slots` slots: profile rates are per bucket or per visit of a slot, so a slot visited by
 * several points per cycle learns from each of them a little.
 */
export function deriveRates(p: Profile, ppb: number, slots: number, ring: number): Rates {
  const perPoint = (rate: number, visits: number) => 1 - Math.pow(1 - rate, 1 / visits);
  const stepMs = p.intervalMs / ppb;
  const slotVisits = p.hourOfDay ? (ppb * 24) / slots : ppb;
  return {
    stepMs,
    perStep: 1 / stepMs,
    slotVisits,
    perVisit: 1 / slotVisits,
    // Trend extrapolation over a gap is capped at two seasonal cycles.
    maxSteps: (p.hourOfDay ? 48 : p.dayOfWeek ? 14 : 8) * ppb,
    alpha: perPoint(p.alpha, ppb),
    phi: Math.pow(p.phi, 1 / ppb),
    gammaDay: perPoint(p.gammaDay, slotVisits),
    // Daily data; hourly data learns its weekday factors once per day, at gammaWeek per day.
    gammaWeek: perPoint(p.gammaWeek, ppb),
    lambda: perPoint(p.lambda, ppb),
    lambdaPhase: perPoint(p.lambdaPhase, slotVisits),
    phaseMemory: 2 / p.lambdaPhase - 1,
    // A day of hourly data counts as seen after half a day of points.
    dayMinSeen: (p.hourOfDay ? 12 : 1) * ppb,
    burstWindow: Math.min(ring, p.varianceWindow * ppb),
  };
}
