/**
 * Detection after collection: every metric a run wrote is scored again over its recent history (the detector is
 * causal, so re-scoring the written window with late data is exact), and so is each kept breakdown value.
 * Anomalies are upserted per (metric, bucket, dimension, value), so a repeated run adds nothing; an active
 * anomaly resolves when its series is back inside the band; whole-metric anomalies say which segments explain
 * the move.
 */
import type { Db } from '@/db/client';
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
import {
  deleteUnreviewedAnomalies,
  listAnomaliesSince,
  loadMetrics,
  readBreakdownSeries,
  readMetricSeries,
  resolveSeriesBefore,
  upsertAnomalies,
  type AnomalyWrite,
} from './queries';

/** Buckets of history each score looks back over: enough for weekly seasonality and a robust baseline. */
export const DETECTION_HISTORY: Record<Interval, number> = { hour: 24 * 35, day: 400, week: 156 };

/** Segments kept in an explanation, per dimension. */
const TOP_SEGMENTS = 3;

export type DetectionReport = { anomaliesWritten: number; resolved: number; metricsScored: number };

type SeriesKey = { dimension: string; dimensionValue: string };

type ScoredSeries = SeriesKey & { buckets: Date[]; values: (number | null)[]; scored: Scored[] };

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
  const score = (key: SeriesKey, stored: { bucket: Date; value: number | null }[]): ScoredSeries | null => {
    if (stored.length === 0) return null;
    // From the first stored bucket on: before it the metric did not exist, which is not a run of zeros.
    const first = stored[0] as { bucket: Date };
    const buckets = listBuckets({ start: first.bucket, end: history.end }, interval, zone);
    const byBucket = new Map(stored.map((s) => [s.bucket.getTime(), s.value]));
    const values = buckets.map((b) => {
      const ms = b.getTime();
      if (byBucket.has(ms)) return byBucket.get(ms) ?? null;
      return input.valueKind === 'count' ? 0 : null;
    });
    const points: Point[] = buckets.map((b, i) => ({ t: b.getTime(), value: values[i] ?? null }));
    const scored = detectSeries(points, {
      valueKind: input.valueKind,
      interval,
      sensitivity: input.sensitivity,
      excluded: (i) => expectedEvents.has(`${key.dimension}|${key.dimensionValue}|${points[i]?.t}`),
    });
    return { ...key, buckets, values, scored };
  };

  const total = score(
    { dimension: '', dimensionValue: '' },
    await readMetricSeries(db, { metricId: input.metricId, window: history }),
  );
  const parts: ScoredSeries[] = [];
  const breakdownRows = await readBreakdownSeries(db, { metricId: input.metricId, window: history });
  const grouped = new Map<string, { key: SeriesKey; rows: { bucket: Date; value: number | null }[] }>();
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
    const scored = score(key, rows);
    if (scored) parts.push(scored);
  }

  const writes: AnomalyWrite[] = [];
  const normalInWindow = new Set<string>();
  const latestNormal = new Map<string, number>();
  for (const series of [...(total ? [total] : []), ...parts]) {
    const seriesId = `${series.dimension}|${series.dimensionValue}`;
    series.buckets.forEach((bucket, i) => {
      const ms = bucket.getTime();
      if (ms < window.start.getTime()) return;
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
