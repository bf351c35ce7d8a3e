// Building blocks of the synthetic benchmark: a seeded RNG, the seasonal signal with realistic noise per
// shape, anomaly sizing in noise units (checked by an oracle that knows the true noise), and sampling.
import type { Interval, Point } from './types';

export type Shape = 'count-small' | 'count-large' | 'ratio' | 'average';

const START = Date.UTC(2024, 0, 1); // a Monday
const STEP: Record<Interval, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
const WEEKLY = [1, 1.05, 1.05, 1, 0.95, 0.6, 0.55];
const ORACLE_Z = 6;

/** mulberry32: tiny, fast, good enough for synthetic data, and identical on every platform. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleNormal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function samplePoisson(rng: () => number, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda >= 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * sampleNormal(rng)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

/** Per bucket: true mean, noise sd, noise multiplier, gap flag and an exact planted value (NaN: none). */
export type Signal = {
  mu: Float64Array;
  sd: Float64Array;
  noise: Float64Array;
  missing: Uint8Array;
  planted: Float64Array;
};

export function buildSignal(
  shape: Shape,
  interval: Interval,
  n: number,
  flat: boolean,
  phaseShift = 0,
): Signal {
  const mu = new Float64Array(n);
  const sd = new Float64Array(n);
  const hourly = interval === 'hour';
  for (let i = 0; i < n; i++) {
    const t = START + i * STEP[interval];
    const hour = (new Date(t).getUTCHours() + (hourly ? phaseShift : 0)) % 24;
    const dow = (((new Date(t).getUTCDay() + 6) % 7) + (hourly ? 0 : phaseShift)) % 7;
    const daily = hourly ? 1 + 0.6 * Math.sin((2 * Math.PI * (hour - 9)) / 24) : 1;
    const weekly = interval === 'week' ? 1 : hourly ? (dow >= 5 ? 0.7 : 1) : (WEEKLY[dow] as number);
    const traffic = flat ? 1 : daily * weekly * (1 + (0.1 * i) / n);
    const wave = hourly ? Math.sin((2 * Math.PI * (hour - 15)) / 24) : dow >= 5 ? 1 : 0;
    if (shape === 'count-small') {
      mu[i] = flat ? 0 : (hourly ? 20 : 25) * traffic;
      sd[i] = Math.sqrt(mu[i] as number);
    } else if (shape === 'count-large') {
      mu[i] = (hourly ? 2000 : 40000) * traffic;
      sd[i] = flat ? 1 : Math.sqrt((mu[i] as number) + (0.03 * (mu[i] as number)) ** 2);
    } else if (shape === 'ratio') {
      const p = flat ? 0.03 : 0.03 * (1 + 0.25 * wave);
      mu[i] = p;
      sd[i] = flat ? 1e-5 : Math.sqrt((p * (1 - p)) / ((hourly ? 4000 : 80000) * traffic));
    } else {
      mu[i] = flat ? 45 : 45 * (1 + 0.1 * wave);
      sd[i] = flat ? 0.02 : 20 / Math.sqrt((hourly ? 300 : 7000) * traffic);
    }
  }
  return {
    mu,
    sd,
    noise: new Float64Array(n).fill(1),
    missing: new Uint8Array(n),
    planted: new Float64Array(n).fill(NaN),
  };
}

/**
 * Relative size of a level shift that an oracle sees at `k` noise units on an average bucket of the cycle
 * around `i`: between 20 % and 300 % up, and between 20 % and 75 % down.
 */
export function levelShiftSize(
  signal: Signal,
  shape: Shape,
  i: number,
  cycle: number,
  k: number,
  up: boolean,
): number {
  let mu = 0;
  let sd = 0;
  for (let j = i; j < i + cycle && j < signal.mu.length; j++) {
    mu += (signal.mu[j] as number) / cycle;
    sd += (signal.sd[j] as number) / cycle;
  }
  let rel: number;
  if (shape.startsWith('count')) {
    const root = Math.sqrt(mu + 0.375) + (up ? k / 2 : -k / 2);
    rel = root <= 0 ? 1 : Math.abs(root * root - 0.375 - mu) / mu;
    if (shape === 'count-large') rel = Math.max(rel, (k * sd) / mu);
  } else {
    rel = (k * sd) / mu;
  }
  return Math.min(up ? 3 : 0.75, Math.max(0.2, rel));
}

export function scaleAt(signal: Signal, shape: Shape, i: number, factor: number): void {
  signal.mu[i] = (signal.mu[i] as number) * factor;
  if (shape === 'count-small') signal.sd[i] = Math.sqrt(signal.mu[i] as number);
  if (shape === 'ratio') signal.mu[i] = Math.min(0.999, signal.mu[i] as number);
}

/** The planted value of a spike (sign 1) or dip (−1) of k ∈ [7, 11) oracle noise units, at least 15 %. */
export function bump(signal: Signal, shape: Shape, i: number, sign: number, rng: () => number): number {
  return sizeBump(signal, shape, i, sign, 7 + 4 * rng());
}

function sizeBump(signal: Signal, shape: Shape, i: number, sign: number, k: number): number {
  const mu = signal.mu[i] as number;
  if (shape.startsWith('count')) {
    // Counts are skewed: size the bump on the (over-dispersed) Anscombe scale the oracle uses.
    const root = Math.sqrt(mu + 0.375) + (sign * k * dispersionAt(signal, i)) / 2;
    const target = root <= 0 ? 0 : root * root - 0.375;
    const floor = mu + sign * 0.15 * mu;
    return Math.max(0, Math.round(sign > 0 ? Math.max(target, floor) : Math.min(target, floor)));
  }
  const next = mu + sign * Math.max(k * (signal.sd[i] as number), 0.15 * mu);
  return shape === 'ratio' ? Math.min(0.999, Math.max(0, next)) : Math.max(0, next);
}

/** A start where a bump is visible to an oracle (a dip on small counts needs enough volume to drop). */
export function pickDetectable(
  rng: () => number,
  signal: Signal,
  shape: Shape,
  sign: number,
  at: (lo: number, hi: number) => number,
  lo: number,
  hi: number,
): number {
  let best = at(lo, hi);
  for (let attempt = 0; attempt < 60; attempt++) {
    const i = at(lo, hi);
    best = i;
    if (oracleZ(shape, signal, i, sizeBump(signal, shape, i, sign, 7)) >= ORACLE_Z) break;
  }
  return best;
}

/** How visible a change of the mean at `i` to `target` is to someone who knows the true noise. */
export function oracleZ(shape: Shape, signal: Signal, i: number, target: number): number {
  const mu = signal.mu[i] as number;
  if (shape.startsWith('count')) {
    return (2 * Math.abs(Math.sqrt(target + 0.375) - Math.sqrt(mu + 0.375))) / dispersionAt(signal, i);
  }
  return Math.abs(target - mu) / (signal.sd[i] as number);
}

/** Noise sd relative to Poisson noise (1 for Poisson counts, more when over-dispersed). */
function dispersionAt(signal: Signal, i: number): number {
  return Math.max(1, (signal.sd[i] as number) / Math.sqrt((signal.mu[i] as number) + 0.375));
}

export function sampleSeries(
  signal: Signal,
  shape: Shape,
  interval: Interval,
  n: number,
  rng: () => number,
  flat: boolean,
): Point[] {
  const points: Point[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = START + i * STEP[interval];
    const mu = signal.mu[i] as number;
    const sd = signal.sd[i] as number;
    const k = signal.noise[i] as number;
    let value: number;
    if (flat) {
      // A flatline wiggles by tiny amounts now and then: those must never alert.
      const wiggle = rng() < 0.05 ? (rng() < 0.5 ? -1 : 1) : 0;
      value = shape.startsWith('count') ? Math.max(0, Math.round(mu + wiggle)) : mu + wiggle * sd;
    } else if (shape === 'count-small') {
      const x = samplePoisson(rng, mu);
      value = Math.max(0, Math.round(mu + (x - mu) * k));
    } else if (shape === 'count-large') {
      const x = samplePoisson(rng, mu * Math.max(0, 1 + 0.03 * sampleNormal(rng)));
      value = Math.max(0, Math.round(mu + (x - mu) * k));
    } else {
      value = mu + sd * k * sampleNormal(rng);
      if (shape === 'ratio') value = Math.min(1, Math.max(0, value));
    }
    // Spikes and dips are planted exactly, so their size is the one the oracle checked.
    const planted = signal.planted[i] as number;
    if (!Number.isNaN(planted)) value = planted;
    points[i] = { t, value: signal.missing[i] === 1 ? null : value };
  }
  return points;
}
