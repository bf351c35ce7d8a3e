/**
 * Detection after collection: every metric a run wrote is scored again over its recent history (the detector is
 * causal, so re-scoring the written window with late data is exact), and so is each kept breakdown value.
 * Anomalies are upserted per (metric, bucket, dimension, value), so a repeated run adds nothing; an active
 * anomaly resolves when its series is back inside the band; whole-metric anomalies say which segments explain
 * the move.
 *
 * The whole-metric series' expected band and score are stored on its rows (metric_values), for every bucket from
 * the start of the written window to the newest stored one: a causal detector changes every later bucket when
 * earlier values change, so a backfill of older history rewrites the band after it too, while a tick rewrites
 * only the buckets it collected. Anomalies are decided for the written window only. `rescoreBand` rewrites the
 * band alone when what the detector is told changes without new values (sensitivity, "expected" marks).
 */
import type { Db, DbOrTx } from '@/db/client';
import { addBuckets, listBuckets, type Window } from '@/lib/collection/buckets';
import { log } from '@/lib/log';
import {
  ALERT_SEVERITY,
  detectSeries,
  SEVERITY_RANK,
  type Interval,
  type Point,
  type Scored,
  type ValueKind,
} from '@/lib/anomalies/detect';
import { toStoredBand } from '@/lib/series/band';
import {
  deleteUnreviewedAnomalies,
  listAnomaliesSince,
  listExpectedEventBuckets,
  loadMetrics,
  readBreakdownSeries,
  readMetricSeries,
  resolveSeriesBefore,
  upsertAnomalies,
  writeBands,
  type AnomalyWrite,
  type BandWrite,
} from './queries';

/** Buckets of history each score looks back over: enough for weekly seasonality and a robust baseline. */
export const DETECTION_HISTORY: Record<Interval, number> = { hour: 24 * 35, day: 400, week: 156 };

/** Segments kept in an explanation, per dimension. */
const TOP_SEGMENTS = 3;

export type DetectionReport = { anomaliesWritten: number; resolved: number; metricsScored: number };

type SeriesKey = { dimension: string; dimensionValue: string };

type StoredPoint = { bucket: Date; value: number | null };

type ScoredSeries = SeriesKey & {
  buckets: Date[];
  values: (number | null)[];
  /** Which buckets have a stored row (the rest are gaps densified for the detector). */
  stored: boolean[];
  scored: Scored[];
};

type ScoreOptions = {
  interval: Interval;
  valueKind: ValueKind;
  sensitivity: number;
  zone: string;
  /** Buckets are scored up to here (exclusive). */
  end: Date;
  /** Epoch ms of buckets marked as expected events: scored, never learned from. */
  excluded: (t: number) => boolean;
};

/**
 * Scores one stored series from its first stored bucket on (before it the metric did not exist, which is not a
 * run of zeros); missing buckets read as a count's 0 or a fractional gap, as on the chart.
 */
function scoreStored(
  key: SeriesKey,
  stored: readonly StoredPoint[],
  opts: ScoreOptions,
): ScoredSeries | null {
  const first = stored[0];
  if (!first) return null;
  const buckets = listBuckets({ start: first.bucket, end: opts.end }, opts.interval, opts.zone);
  const byBucket = new Map(stored.map((s) => [s.bucket.getTime(), s.value]));
  const present = buckets.map((b) => byBucket.has(b.getTime()));
  const values = buckets.map((b, i) => {
    if (present[i]) return byBucket.get(b.getTime()) ?? null;
    return opts.valueKind === 'count' ? 0 : null;
  });
  const points: Point[] = buckets.map((b, i) => ({ t: b.getTime(), value: values[i] ?? null }));
  const scored = detectSeries(points, {
    valueKind: opts.valueKind,
    interval: opts.interval,
    sensitivity: opts.sensitivity,
    excluded: (i) => opts.excluded(points[i]?.t ?? NaN),
  });
  return { ...key, buckets, values, stored: present, scored };
}

/** The stored band of every stored bucket of `series` from `from` on (null: all of them). */
function bandsFrom(metricId: string, series: ScoredSeries, from: Date | null): BandWrite {
  const buckets: Date[] = [];
  const expected: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  const score: (number | null)[] = [];
  series.buckets.forEach((bucket, i) => {
    if (!series.stored[i] || (from && bucket.getTime() < from.getTime())) return;
    const band = toStoredBand(series.scored[i] as Scored);
    buckets.push(bucket);
    expected.push(band.expected);
    lower.push(band.lower);
    upper.push(band.upper);
    score.push(band.score);
  });
  return { metricId, buckets, expected, lower, upper, score };
}

/** A bucket after the newest stored one, or `end` when that is later. */
function seriesEnd(stored: readonly StoredPoint[], end: Date, interval: Interval, zone: string): Date {
  const last = stored.at(-1);
  if (!last || last.bucket.getTime() < end.getTime()) return end;
  return addBuckets(last.bucket, interval, 1, zone);
}

function isAnomalous(s: Scored): boolean {
  return (
    !s.insufficient &&
    SEVERITY_RANK[s.severity] >= SEVERITY_RANK[ALERT_SEVERITY] &&
    s.expected !== null &&
    s.lower !== null &&
    s.upper !== null &&
    s.direction !== null
  );
}

/**
 * Scores the metrics a run wrote. `written` windows bound what is (re)decided; history before them is read but
 * its anomalies stay as they are. Failures are logged per metric and never fail the run.
 */
export async function detectWritten(
  db: Db,
  input: { projectId: string; zone: string; written: { metricId: string; window: Window }[]; now: Date },
): Promise<DetectionReport> {
  const report: DetectionReport = { anomaliesWritten: 0, resolved: 0, metricsScored: 0 };
  const rows = await loadMetrics(db, {
    projectId: input.projectId,
    ids: input.written.map((w) => w.metricId),
  });
  for (const { metricId, window } of input.written) {
    const metric = rows.find((m) => m.id === metricId);
    if (!metric || metric.lifecycle === 'archived') continue;
    try {
      const result = await detectMetric(db, {
        projectId: input.projectId,
        metricId,
        interval: metric.interval,
        valueKind: metric.valueKind,
        sensitivity: metric.sensitivity,
        zone: input.zone,
        window,
        now: input.now,
      });
      report.anomaliesWritten += result.anomaliesWritten;
      report.resolved += result.resolved;
      report.metricsScored += 1;
    } catch (error) {
      log.error('anomaly detection failed for a metric', { metricId, error });
    }
  }
  return report;
}

async function detectMetric(
  db: Db,
  input: {
    projectId: string;
    metricId: string;
    interval: Interval;
    valueKind: ValueKind;
    sensitivity: number;
    zone: string;
    window: Window;
    now: Date;
  },
): Promise<{ anomaliesWritten: number; resolved: number }> {
  const { interval, zone, window } = input;
  const history: Window = {
    start: addBuckets(window.start, interval, -DETECTION_HISTORY[interval], zone),
    end: window.end,
  };
  const existing = await listAnomaliesSince(db, { metricId: input.metricId, since: history.start });
  const expectedEvents = new Set(
    existing
      .filter((a) => a.expectedEvent)
      .map((a) => `${a.dimension}|${a.dimensionValue}|${a.bucketStart.getTime()}`),
  );
  const options = (end: Date, key: SeriesKey): ScoreOptions => ({
    interval,
    valueKind: input.valueKind,
    sensitivity: input.sensitivity,
    zone,
    end,
    excluded: (t) => expectedEvents.has(`${key.dimension}|${key.dimensionValue}|${t}`),
  });

  // The whole metric is read to its newest bucket: the band after the window changes with it (see above).
  const totalRows = await readMetricSeries(db, { metricId: input.metricId, start: history.start, end: null });
  const wholeKey = { dimension: '', dimensionValue: '' };
  const total = scoreStored(
    wholeKey,
    totalRows,
    options(seriesEnd(totalRows, history.end, interval, zone), wholeKey),
  );
  const parts: ScoredSeries[] = [];
  const breakdownRows = await readBreakdownSeries(db, { metricId: input.metricId, window: history });
  const grouped = new Map<string, { key: SeriesKey; rows: StoredPoint[] }>();
  for (const row of breakdownRows) {
    const id = `${row.dimension}|${row.dimensionValue}`;
    let group = grouped.get(id);
    if (!group) {
      group = { key: { dimension: row.dimension, dimensionValue: row.dimensionValue }, rows: [] };
      grouped.set(id, group);
    }
    group.rows.push({ bucket: row.bucket, value: row.value });
  }
  for (const { key, rows } of grouped.values()) {
    // Only values still present in the written window are scored; a segment that vanished has nothing new.
    if (!rows.some((r) => r.bucket.getTime() >= window.start.getTime())) continue;
    const scored = scoreStored(key, rows, options(history.end, key));
    if (scored) parts.push(scored);
  }

  const writes: AnomalyWrite[] = [];
  const normalInWindow = new Set<string>();
  const latestNormal = new Map<string, number>();
  for (const series of [...(total ? [total] : []), ...parts]) {
    const seriesId = `${series.dimension}|${series.dimensionValue}`;
    series.buckets.forEach((bucket, i) => {
      const ms = bucket.getTime();
      if (ms < window.start.getTime() || ms >= window.end.getTime()) return;
      const s = series.scored[i] as Scored;
      if (!isAnomalous(s)) {
        normalInWindow.add(`${seriesId}|${ms}`);
        if (!s.insufficient) latestNormal.set(seriesId, Math.max(latestNormal.get(seriesId) ?? 0, ms));
        return;
      }
      writes.push({
        projectId: input.projectId,
        metricId: input.metricId,
        bucketStart: bucket,
        dimension: series.dimension,
        dimensionValue: series.dimensionValue,
        value: series.values[i] ?? null,
        expected: s.expected as number,
        lower: Math.min(s.lower as number, s.upper as number),
        upper: Math.max(s.lower as number, s.upper as number),
        score: Math.min(1, Math.max(0, s.score)),
        severity: s.severity === 'none' ? 'low' : s.severity,
        direction: s.direction as 'up' | 'down',
        explanation: series === total ? explain(total, parts, i) : null,
        updatedAt: input.now,
      });
    });
  }

  return db.transaction(async (tx) => {
    const anomaliesWritten = await upsertAnomalies(tx, writes);
    const stale = existing.filter((a) =>
      normalInWindow.has(`${a.dimension}|${a.dimensionValue}|${a.bucketStart.getTime()}`),
    );
    await deleteUnreviewedAnomalies(
      tx,
      stale.map((a) => a.id),
    );
    if (total) await writeBands(tx, bandsFrom(input.metricId, total, window.start));
    let resolved = 0;
    for (const [seriesId, normalAt] of latestNormal) {
      const [dimension = '', dimensionValue = ''] = seriesId.split('|');
      resolved += await resolveSeriesBefore(tx, {
        metricId: input.metricId,
        dimension,
        dimensionValue,
        before: new Date(normalAt),
        at: input.now,
      });
    }
    return { anomaliesWritten, resolved };
  });
}

/**
 * Re-scores a metric's whole series and rewrites its stored band from `from` on (null: all of it), for when what
 * the detector is told changed but the values did not: a new sensitivity, a bucket marked (or no longer marked) as
 * an expected event. Anomalies stay as they are, as they do for history a collection run re-reads. Runs in the
 * caller's transaction; returns how many rows changed.
 */
export async function rescoreBand(
  db: DbOrTx,
  input: { projectId: string; metricId: string; zone: string; from: Date | null },
): Promise<number> {
  const [metric] = await loadMetrics(db, { projectId: input.projectId, ids: [input.metricId] });
  if (!metric) return 0;
  const { interval } = metric;
  const { zone } = input;
  const start = input.from ? addBuckets(input.from, interval, -DETECTION_HISTORY[interval], zone) : null;
  const [rows, marked] = await Promise.all([
    readMetricSeries(db, { metricId: metric.id, start, end: null }),
    listExpectedEventBuckets(db, { metricId: metric.id, since: start }),
  ]);
  const excluded = new Set(marked.map((b) => b.getTime()));
  const last = rows.at(-1);
  if (!last) return 0;
  const series = scoreStored({ dimension: '', dimensionValue: '' }, rows, {
    interval,
    valueKind: metric.valueKind,
    sensitivity: metric.sensitivity,
    zone,
    end: addBuckets(last.bucket, interval, 1, zone),
    excluded: (t) => excluded.has(t),
  });
  if (!series) return 0;
  return writeBands(db, bandsFrom(metric.id, series, input.from));
}

/**
 * Which segments explain a move of the total: each dimension value's share of (value − expected), from its own
 * series' expectation at that bucket. The largest shares by size, per dimension.
 */
function explain(
  total: ScoredSeries,
  parts: readonly ScoredSeries[],
  index: number,
): { dimension: string; value: string; contribution: number }[] | null {
  const bucket = total.buckets[index]?.getTime();
  const actual = total.values[index];
  const expected = total.scored[index]?.expected;
  if (
    bucket === undefined ||
    actual === null ||
    actual === undefined ||
    expected === null ||
    expected === undefined
  )
    return null;
  const change = actual - expected;
  if (change === 0) return null;
  const byDimension = new Map<string, { value: string; contribution: number }[]>();
  for (const part of parts) {
    const i = part.buckets.findIndex((b) => b.getTime() === bucket);
    if (i < 0) continue;
    const value = part.values[i];
    const partExpected = part.scored[i]?.expected;
    if (value === null || value === undefined || partExpected === null || partExpected === undefined)
      continue;
    const list = byDimension.get(part.dimension) ?? [];
    list.push({ value: part.dimensionValue, contribution: (value - partExpected) / change });
    byDimension.set(part.dimension, list);
  }
  const segments = [...byDimension.entries()].flatMap(([dimension, list]) =>
    list
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, TOP_SEGMENTS)
      .map((s) => ({ dimension, value: s.value, contribution: Math.round(s.contribution * 1000) / 1000 })),
  );
  return segments.length > 0 ? segments : null;
}
