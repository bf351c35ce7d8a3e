// Deterministic labeled series for the detector benchmark and tests: a seasonal signal (hour of day,
// weekend, slow growth) with realistic noise per shape, and one planted scenario with its labeled windows.
// Anomaly sizes are set in noise units and re-drawn until an oracle that knows the true noise could see
// them, so the benchmark measures the detector and not impossible labels.
import type { Interval, Point, ValueKind } from './types';

export type Shape = 'count-small' | 'count-large' | 'ratio' | 'average';
export type Scenario =
  | 'clean'
  | 'spike'
  | 'dip'
  | 'level-up'
  | 'level-down'
  | 'trend-break'
  | 'variance'
  | 'seasonality-break'
  | 'flatline'
  | 'missing';

export const SHAPES: Shape[] = ['count-small', 'count-large', 'ratio', 'average'];
export const SCENARIOS: Scenario[] = [
  'clean',
  'spike',
  'dip',
  'level-up',
  'level-down',
  'trend-break',
  'variance',
  'seasonality-break',
  'flatline',
  'missing',
];

/** A labeled anomaly: detected if an alert falls in [start, start + tolerance]; alerts up to end + grace are not false. */
export type LabeledWindow = { start: number; end: number; tolerance: number; grace: number };

export type LabeledSeries = {
  name: string;
  interval: Interval;
  shape: Shape;
  scenario: Scenario;
  valueKind: ValueKind;
  points: Point[];
  windows: LabeledWindow[];
};

export type GenerateOptions = {
  scenario: Scenario;
  shape: Shape;
  interval: Interval;
  seed: number;
  length?: number;
};

const START = Date.UTC(2024, 0, 1); // a Monday
const STEP: Record<Interval, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
const DEFAULT_LENGTH: Record<Interval, number> = { hour: 1008, day: 210, week: 156 };
const WEEKLY = [1, 1.05, 1.05, 1, 0.95, 0.6, 0.55];
const ORACLE_Z = 6;
/** A changed seasonal shape is labeled when it is as visible as the default alert threshold. */
const SEASON_ORACLE_Z = 4.5;

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
type Signal = {
  mu: Float64Array;
  sd: Float64Array;
  noise: Float64Array;
  missing: Uint8Array;
  planted: Float64Array;
};

export function generateScenario(opts: GenerateOptions): LabeledSeries {
  const { scenario, shape, interval, seed } = opts;
  const n = opts.length ?? DEFAULT_LENGTH[interval];
  const rng = createRng(seed);
  const hourly = interval === 'hour';
  const signal = buildSignal(shape, interval, n, scenario === 'flatline');
  const windows: LabeledWindow[] = [];
  const warm = hourly ? 336 : interval === 'day' ? 42 : 16;
  const at = (lo: number, hi: number) => Math.floor(warm + (n - warm) * (lo + (hi - lo) * rng()));
  const tol = hourly ? 6 : 3;
  if (scenario === 'spike' || scenario === 'dip') {
    const sign = scenario === 'spike' ? 1 : -1;
    for (let k = 0; k < 3; k++) {
      const len = 1 + Math.floor(rng() * (hourly ? 3 : 2));
      const start = pickDetectable(rng, signal, shape, sign, at, k / 3 + 0.02, (k + 1) / 3 - 0.06);
      for (let i = start; i < start + len && i < n; i++)
        signal.planted[i] = bump(signal, shape, i, sign, rng);
      windows.push({ start, end: start + len - 1, tolerance: len, grace: 1 });
    }
  } else if (scenario === 'level-up' || scenario === 'level-down') {
    const start = at(0.35, 0.6);
    const up = scenario === 'level-up';
    const factor =
      1 + (up ? 1 : -1) * levelShiftSize(signal, shape, start, hourly ? 24 : 7, 5 + 2 * rng(), up);
    for (let i = start; i < n; i++) scaleAt(signal, shape, i, factor);
    windows.push({ start, end: start, tolerance: tol, grace: hourly ? 24 : 7 });
  } else if (scenario === 'trend-break') {
    const start = at(0.35, 0.55);
    const horizon = hourly ? 24 : 10;
    const slope = levelShiftSize(signal, shape, start, hourly ? 24 : 7, 8, true) / horizon;
    for (let i = start; i < n; i++) scaleAt(signal, shape, i, 1 + slope * Math.min(i - start, 3 * horizon));
    // When the ramp stops the slope breaks again: alerts up to 2 horizons after that are neither
    // required nor false.
    windows.push({ start, end: start + 3 * horizon, tolerance: 2 * horizon, grace: 2 * horizon });
  } else if (scenario === 'variance') {
    const start = at(0.35, 0.6);
    const len = hourly ? 48 : 14;
    for (let i = start; i < start + len && i < n; i++) signal.noise[i] = 4;
    windows.push({ start, end: start + len - 1, tolerance: len, grace: hourly ? 12 : 3 });
  } else if (scenario === 'seasonality-break') {
    const cycle = hourly ? 24 : 7;
    const start = Math.floor(at(0.35, 0.55) / cycle) * cycle;
    const shifted = buildSignal(shape, interval, n, false, hourly ? 12 : 3);
    let visible = 0;
    for (let i = start; i < n; i++) {
      if (i < start + cycle) visible = Math.max(visible, oracleZ(shape, signal, i, shifted.mu[i] as number));
      signal.mu[i] = shifted.mu[i] as number;
      signal.sd[i] = shifted.sd[i] as number;
    }
    // A break smaller than the noise is not an anomaly: it stays unlabeled (and must not alert later).
    if (visible >= SEASON_ORACLE_Z) windows.push({ start, end: start, tolerance: cycle, grace: 3 * cycle });
  } else if (scenario === 'flatline') {
    const start = at(0.4, 0.8);
    const len = hourly ? 3 : 2;
    for (let i = start; i < start + len; i++)
      signal.mu[i] = shape === 'count-small' ? 25 : (signal.mu[i] as number) * 1.5;
    windows.push({ start, end: start + len - 1, tolerance: len, grace: 1 });
  } else if (scenario === 'missing') {
    const gapStart = at(0.3, 0.5);
    const gapLen = hourly ? 36 : 5;
    for (let i = gapStart; i < gapStart + gapLen; i++) signal.missing[i] = 1;
    const lo = (gapStart + gapLen + (hourly ? 24 : 7) - warm) / (n - warm);
    const start = pickDetectable(rng, signal, shape, 1, at, lo, Math.min(0.95, lo + 0.2));
    signal.planted[start] = bump(signal, shape, start, 1, rng);
    windows.push({ start, end: start, tolerance: 1, grace: 1 });
  }
  const points = sampleSeries(signal, shape, interval, n, rng, scenario === 'flatline');
  return {
    name: `${scenario}/${interval}/${shape}/${seed}`,
    interval,
    shape,
    scenario,
    valueKind: shape.startsWith('count') ? 'count' : 'fractional',
    points,
    windows,
  };
}

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
function levelShiftSize(
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

function scaleAt(signal: Signal, shape: Shape, i: number, factor: number): void {
  signal.mu[i] = (signal.mu[i] as number) * factor;
  if (shape === 'count-small') signal.sd[i] = Math.sqrt(signal.mu[i] as number);
  if (shape === 'ratio') signal.mu[i] = Math.min(0.999, signal.mu[i] as number);
}

/** The planted value of a spike (sign 1) or dip (−1) of k ∈ [7, 11) oracle noise units, at least 15 %. */
function bump(signal: Signal, shape: Shape, i: number, sign: number, rng: () => number): number {
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
function pickDetectable(
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
function oracleZ(shape: Shape, signal: Signal, i: number, target: number): number {
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

function sampleSeries(
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
