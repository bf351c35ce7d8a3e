// Deterministic labeled series for the detector benchmark and tests: a seasonal signal (hour of day,
// weekend, slow growth) with realistic noise per shape, and one planted scenario with its labeled windows.
// Anomaly sizes are set in noise units and re-drawn until an oracle that knows the true noise could see
// them, so the benchmark measures the detector and not impossible labels.
import {
  buildSignal,
  createRng,
  bump,
  levelShiftSize,
  oracleZ,
  pickDetectable,
  sampleSeries,
  scaleAt,
  type Shape,
} from './synthetic-signal';
import type { Interval, Point, ValueKind } from './types';

export { createRng, samplePoisson, sampleNormal, type Shape } from './synthetic-signal';

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

const DEFAULT_LENGTH: Record<Interval, number> = { hour: 1008, day: 210, week: 156 };
/** A changed seasonal shape is labeled when it is as visible as the default alert threshold. */
const SEASON_ORACLE_Z = 4.5;

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
