// Labeled synthetic benchmark of the anomaly detector: `npm run bench -- detect [--smoke] [--seeds=N]
// [--sensitivity=N] [--verbose]`. Prints precision / recall / F1 / detection delay per scenario and
// overall, alerts on clean series and scoring speed, then one JSON object. Exits non-zero when overall
// F1 < 0.8, a clean series alerts, or (full run only) scoring 1,000 × 8,760 points takes over 2 s.
// --smoke scores one seed and 100 speed series: a few seconds, for CI.
import { performance } from 'node:perf_hooks';
import { ALERT_SEVERITY, detectColumns, type DetectOptions, detectSeries } from '@/lib/anomalies/detect';
import {
  createTally,
  type EventTally,
  mergeTally,
  type Metrics,
  summariseTally,
  tallyEvents,
} from '@/lib/anomalies/evaluate';
import { SEVERITY_RANK } from '@/lib/anomalies/scoring';
import { generateScenario, type LabeledSeries, SCENARIOS, SHAPES } from '@/lib/anomalies/synthetic';
import type { Interval, Point } from '@/lib/anomalies/types';

const TARGET_F1 = 0.8;
const TARGET_SECONDS = 2;
const INTERVALS: Interval[] = ['hour', 'day'];
const WARM_UP_SERIES = 40;

type Flags = { smoke: boolean; seeds: number; sensitivity: number; verbose: boolean };
type Row = Metrics & { events: number; detected: number; falseEvents: number; alertBuckets: number };
type Timing = { seconds: number; cpuSeconds: number };
type Speed = {
  series: number;
  pointsPerSeries: number;
  seconds: number;
  cpuSeconds: number;
  pointsPerSecond: number;
  columnsSeconds: number;
  columnsPointsPerSecond: number;
};

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const alertRank = SEVERITY_RANK[ALERT_SEVERITY];
  const byScenario = new Map<string, EventTally>();
  const byShape = new Map<string, EventTally>();
  const overall = createTally();
  let cleanAlerts = 0;
  let cleanSeries = 0;
  // Speed first, in a JIT that has only seen the workload it measures (hourly series), as a batch would.
  const speed = measureSpeed(flags.smoke ? 100 : 1000, 8760);
  for (const series of buildSuite(flags.seeds)) {
    const scored = detectSeries(series.points, {
      valueKind: series.valueKind,
      interval: series.interval,
      sensitivity: flags.sensitivity,
    });
    const alerts = scored.map((s) => SEVERITY_RANK[s.severity] >= alertRank);
    const tally = createTally();
    tallyEvents(alerts, series.windows, tally);
    if (flags.verbose && (tally.falseEvents > 0 || tally.detected < tally.events)) {
      const fired = alerts.flatMap((a, i) => (a ? [i] : []));
      console.log(
        `  ${series.name}: windows ${JSON.stringify(series.windows.map((w) => w.start))} alerts ${JSON.stringify(fired)}`,
      );
    }
    if (series.scenario === 'clean') {
      cleanSeries++;
      cleanAlerts += tally.alertBuckets;
    }
    mergeInto(byScenario, series.scenario, tally);
    mergeInto(byShape, `${series.interval}/${series.shape}`, tally);
    mergeTally(overall, tally);
  }

  const scenarioRows = Object.fromEntries([...byScenario].map(([k, t]) => [k, toRow(t)]));
  const shapeRows = Object.fromEntries([...byShape].map(([k, t]) => [k, toRow(t)]));
  const overallRow = toRow(overall);
  const projectedSeconds = (speed.seconds * 1000) / speed.series;
  // The target is on scoring itself (detectColumns); detectSeries adds one object per bucket on top.
  const projectedScoringSeconds = (speed.columnsSeconds * 1000) / speed.series;
  const pass =
    overallRow.f1 >= TARGET_F1 &&
    cleanAlerts === 0 &&
    (flags.smoke || projectedScoringSeconds <= TARGET_SECONDS);

  console.log(
    `Sightline detector benchmark${flags.smoke ? ' (smoke)' : ''}: alert at severity ≥ ${ALERT_SEVERITY}, sensitivity ${flags.sensitivity}, ${flags.seeds} seed(s)`,
  );
  printTable('scenario', scenarioRows);
  printTable('interval/shape', shapeRows);
  printTable('overall', { all: overallRow });
  console.log(`clean series: ${cleanSeries}, alerting buckets on them: ${cleanAlerts}`);
  const perSecond = (v: number) => Math.round(v).toLocaleString('en-US');
  const size = `${speed.series} × ${speed.pointsPerSeries} points`;
  console.log(
    `speed, scoring (detectColumns): ${size} in ${speed.columnsSeconds.toFixed(3)} s ` +
      `(${perSecond(speed.columnsPointsPerSecond)} points/s; 1,000 series ≈ ${projectedScoringSeconds.toFixed(2)} s)`,
  );
  console.log(
    `speed, with one object per bucket (detectSeries): ${size} in ${speed.seconds.toFixed(3)} s wall, ` +
      `${speed.cpuSeconds.toFixed(3)} s CPU (${perSecond(speed.pointsPerSecond)} points/s; ` +
      `1,000 series ≈ ${projectedSeconds.toFixed(2)} s)`,
  );
  console.log(pass ? 'PASS' : `FAIL (targets: F1 ≥ ${TARGET_F1}, zero clean alerts, ≤ ${TARGET_SECONDS} s)`);
  console.log(
    JSON.stringify({
      alertSeverity: ALERT_SEVERITY,
      sensitivity: flags.sensitivity,
      smoke: flags.smoke,
      scenarios: scenarioRows,
      shapes: shapeRows,
      overall: overallRow,
      clean: { series: cleanSeries, alertBuckets: cleanAlerts },
      speed: {
        ...speed,
        projectedSecondsFor1000: projectedSeconds,
        projectedScoringSecondsFor1000: projectedScoringSeconds,
      },
      pass,
    }),
  );
  if (!pass) process.exitCode = 1;
}

function parseFlags(args: string[]): Flags {
  const smoke = args.includes('--smoke');
  const read = (name: string, fallback: number): number => {
    const arg = args.find((a) => a.startsWith(`--${name}=`));
    const value = arg === undefined ? NaN : Number(arg.slice(name.length + 3));
    return Number.isFinite(value) ? value : fallback;
  };
  return {
    smoke,
    seeds: read('seeds', smoke ? 1 : 6),
    sensitivity: read('sensitivity', 5),
    verbose: args.includes('--verbose'),
  };
}

function* buildSuite(seeds: number): Generator<LabeledSeries> {
  let seed = 1;
  for (let s = 0; s < seeds; s++)
    for (const scenario of SCENARIOS)
      for (const interval of INTERVALS)
        for (const shape of SHAPES)
          yield generateScenario({ scenario, shape, interval, seed: seed++ * 7919 });
}

function mergeInto(map: Map<string, EventTally>, key: string, tally: EventTally): void {
  const current = map.get(key) ?? createTally();
  mergeTally(current, tally);
  map.set(key, current);
}

function toRow(t: EventTally): Row {
  return {
    ...summariseTally(t),
    events: t.events,
    detected: t.detected,
    falseEvents: t.falseEvents,
    alertBuckets: t.alertBuckets,
  };
}

function printTable(title: string, rows: Record<string, Row>): void {
  const pad = (s: string, w: number) => s.padEnd(w);
  const num = (v: number | null, d = 3) => (v === null ? '-' : v.toFixed(d)).padStart(9);
  console.log(`\n${pad(title, 24)}   events  detected  false   precision  recall       F1    delay`);
  for (const [name, r] of Object.entries(rows)) {
    console.log(
      `${pad(name, 24)} ${String(r.events).padStart(8)} ${String(r.detected).padStart(9)} ${String(r.falseEvents).padStart(6)}` +
        `${num(r.precision)}${num(r.recall)}${num(r.f1)}${num(r.meanDelay, 2)}`,
    );
  }
}

/**
 * Scores `count` hourly series of `length` points (cycled over a few distinct ones) on this thread, after
 * a warm-up so the JIT has settled: once through detectSeries (objects, the public API) and once through
 * detectColumns (typed arrays, no object per bucket).
 */
function measureSpeed(count: number, length: number): Speed {
  const shapes = SHAPES.map((shape, i) => ({
    points: generateScenario({ scenario: 'clean', shape, interval: 'hour', seed: 100 + i, length }).points,
    valueKind: shape.startsWith('count') ? ('count' as const) : ('fractional' as const),
  }));
  const run = (score: (points: Point[], opts: DetectOptions) => unknown, series: number): Timing => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < series; i++) {
      const s = shapes[i % shapes.length] as (typeof shapes)[number];
      score(s.points, { valueKind: s.valueKind, interval: 'hour' });
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  };
  run(detectSeries, WARM_UP_SERIES);
  const objects = run(detectSeries, count);
  run(detectColumns, WARM_UP_SERIES);
  const columns = run(detectColumns, count);
  const points = count * length;
  return {
    series: count,
    pointsPerSeries: length,
    seconds: objects.seconds,
    cpuSeconds: objects.cpuSeconds,
    pointsPerSecond: points / objects.seconds,
    columnsSeconds: columns.seconds,
    columnsPointsPerSecond: points / columns.seconds,
  };
}

if (/[\\/]bench[\\/]detect\.ts$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
