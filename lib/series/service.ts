/**
 * Read verbs of a metric's series (the drilldown and the CSV export) and acknowledging its anomalies.
 * Everything is densified on read; the expected band is the one detection stored on each value when it scored
 * it (lib/detection), so the chart shows what the detector said about each bucket.
 */
import { emitAudit } from '@/lib/audit/service';
import { addBuckets } from '@/lib/collection/buckets';
import { SQL_DIMENSION } from '@/lib/collection/sql-metric';
import {
  actorLabelUnlessUser,
  actorUserId,
  requireRole,
  withTransaction,
  type ServiceContext,
} from '@/lib/context';
import { AppError, conflict, parseInput } from '@/lib/errors';
import { listFactTables } from '@/lib/fact-tables/service';
import { metricDefinitionSchema, type MetricDefinition } from '@/lib/metrics/schemas';
import { getMetric, listCatalog, type MetricDto } from '@/lib/metrics/service';
import { listDataSources } from '@/lib/sources/service';
import { toChartAnnotations } from './annotations';
import { flagOf } from './band';
import { listBucketStarts } from './bucket-list';
import { buildBreakdown, OTHER, ROLLUP_AFTER_BUCKETS, rollupBreakdown } from './breakdown';
import { csvLine, exportFilename } from './csv';
import { densify, densifySorted, type Coverage } from './densify';
import { elementAt } from './float8-array';
import { describeDefinition, type DefinitionView } from './definition';
import {
  getAnomalyInProject,
  getSeriesMetricInProject,
  listBreakdownRows,
  listBreakdownSeries,
  listBreakdownTotals,
  listMetricAnnotations,
  listMetricAnomalies,
  listMetricValues,
  listSeriesAnomalyMarks,
  listSeriesPoints,
  setAnomalyAcknowledged,
} from './queries';
import { previousPeriod, rangePresetsFor, resolveRange, toResolvedRange } from './ranges';
import {
  acknowledgeAnomalyInputSchema,
  DEFAULT_TOP_N,
  metricIdOnlySchema,
  metricSeriesInputSchema,
  type AnomalyDto,
  type BreakdownsView,
  type ChartPoint,
  type SeriesMeta,
  type SeriesView,
} from './schemas';
import { cachedJson, etagOf, seriesCacheKey, type Json } from './view-cache';
import { aggregatePeriod, comparePeriods, movingAverage, periodAggregateOf, trailingSum } from './transforms';

type Verb = { ctx: ServiceContext; input: unknown };
type SeriesMetric = Awaited<ReturnType<typeof getSeriesMetricInProject>>;

/** Stored anomalies listed on a drilldown; older ones stay in the anomalies inbox. */
const ANOMALY_LIST_LIMIT = 100;

function metaOf(metric: SeriesMetric, timeZone: string): SeriesMeta {
  return {
    metricId: metric.id,
    name: metric.name,
    interval: metric.interval,
    valueKind: metric.valueKind,
    format: metric.format,
    unit: metric.unit,
    direction: metric.direction,
    timeZone,
  };
}

function coverageOf(metric: SeriesMetric): Coverage {
  const first = metric.firstBucketMs === null ? null : Number(metric.firstBucketMs);
  // Never collected: nothing is known anywhere (0 is before every bucket).
  return { start: first, end: metric.watermark?.getTime() ?? 0 };
}

async function loadRange(ctx: ServiceContext, input: unknown) {
  requireRole(ctx, 'viewer');
  const { metricId, ...query } = parseInput(metricSeriesInputSchema, input);
  const metric = await getSeriesMetricInProject(ctx.db, { projectId: ctx.project.id, metricId });
  const range = resolveRange(query, {
    now: ctx.now(),
    interval: metric.interval,
    timeZone: ctx.project.timeZone,
  });
  return { metric, range, query };
}

function toAnomalyDto(row: Awaited<ReturnType<typeof listMetricAnomalies>>[number]): AnomalyDto {
  return {
    id: row.id,
    bucketStart: row.bucketStart.toISOString(),
    dimension: row.dimension,
    dimensionValue: row.dimensionValue,
    value: row.value,
    expected: row.expected,
    lower: row.lower,
    upper: row.upper,
    score: row.score,
    severity: row.severity,
    direction: row.direction,
    status: row.status,
    acknowledgedBy: row.acknowledgedAt ? (row.acknowledgedByName ?? 'someone no longer here') : null,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
  };
}

/** Index of `t` in ascending `times`, or -1. */
function indexOfTime(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = times[mid] as number;
    if (at === t) return mid;
    if (at < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The series over the asked range with the expected band detection stored beside each value, flagged buckets,
 * stored anomalies and the chosen overlays (moving average, trailing window, the previous period). One range
 * read of the stored rows: nothing is scored on read, so a year of hours costs what reading it costs.
 */
export async function getMetricSeries({ ctx, input }: Verb): Promise<SeriesView> {
  return seriesView(ctx, await loadRange(ctx, input));
}

/**
 * getMetricSeries as JSON text with its ETag, from this process's cache when nothing the view shows has changed
 * (lib/series/view-cache.ts): the cost of a repeated read is the metric lookup. The ETag is known before the view
 * is built, so a caller holding it (If-None-Match) gets `json: null` and nothing is read.
 */
export async function getMetricSeriesJson({
  ctx,
  input,
  ifNoneMatch,
}: Verb & { ifNoneMatch?: string | null }): Promise<{
  json: Json | null;
  etag: string;
  name: string;
  interval: SeriesView['interval'];
}> {
  const loaded = await loadRange(ctx, input);
  const { metric, range, query } = loaded;
  const key = seriesCacheKey([
    ctx.project.id,
    ctx.project.timeZone,
    metric.id,
    metric.seriesVersion,
    metric.name,
    metric.interval,
    metric.valueKind,
    metric.format,
    metric.unit,
    metric.direction,
    metric.watermark?.getTime() ?? null,
    metric.firstBucketMs,
    range.key,
    range.start.getTime(),
    range.end.getTime(),
    query.ma ?? null,
    query.trail ?? null,
    query.compare ?? null,
  ]);
  const etag = etagOf(key);
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
    return { json: null, etag, name: metric.name, interval: metric.interval };
  }
  const json = await cachedJson(key, () => seriesView(ctx, loaded));
  return { json, etag, name: metric.name, interval: metric.interval };
}

async function seriesView(
  ctx: ServiceContext,
  { metric, range, query }: Awaited<ReturnType<typeof loadRange>>,
): Promise<SeriesView> {
  const zone = ctx.project.timeZone;
  const projectId = ctx.project.id;
  const { interval, valueKind } = metric;
  const ma = query.ma ?? null;
  // A rolling total only means something for counts; a rolling mean of a ratio is the moving average.
  const trail = valueKind === 'count' ? (query.trail ?? null) : null;
  const previous = query.compare ? previousPeriod(range, interval, zone) : null;

  // Overlays read history before the range: the windows of the moving average and trailing total, the period.
  const lead = Math.max(ma ?? 0, trail ?? 0);
  let historyStart = lead > 0 ? addBuckets(range.start, interval, -lead, zone) : range.start;
  if (previous && previous.start < historyStart) historyStart = previous.start;

  const [stored, marks, annotationRows] = await Promise.all([
    listSeriesPoints(ctx.db, { metricId: metric.id, start: historyStart, end: range.end }),
    listSeriesAnomalyMarks(ctx.db, { projectId, metricId: metric.id, start: range.start, end: range.end }),
    listMetricAnnotations(ctx.db, { projectId, metricId: metric.id, start: range.start, end: range.end }),
  ]);

  const coverage = coverageOf(metric);
  const shownTimes = range.buckets.map((b) => b.getTime());
  const leadTimes =
    historyStart.getTime() < range.start.getTime()
      ? listBucketStarts({ start: historyStart, end: range.start }, interval, zone).map((b) => b.getTime())
      : [];
  const times = leadTimes.length > 0 ? leadTimes.concat(shownTimes) : shownTimes;
  const offset = leadTimes.length;
  const { values, rows: rowAt } = densifySorted({
    times,
    storedTimes: stored.t,
    storedValues: stored.value,
    valueKind,
    coverage,
  });
  const storedFlags = new Map(marks.map((m) => [m.t, m.severity]));
  const maValues = ma ? movingAverage(values, ma) : null;
  const trailValues = trail ? trailingSum(values, trail) : null;
  const previousValues =
    previous?.buckets.map((b) => values[indexOfTime(times, b.getTime())] ?? null) ?? null;

  const { expected, lower, upper, score } = stored;
  const points = new Array<ChartPoint>(shownTimes.length);
  for (let i = 0; i < shownTimes.length; i++) {
    const t = shownTimes[i] as number;
    const k = offset + i;
    const row = rowAt[k] as number;
    const low = elementAt(lower, row);
    const high = elementAt(upper, row);
    const storedFlag = storedFlags.get(t) ?? null;
    points[i] = {
      t,
      value: values[k] ?? null,
      expected: elementAt(expected, row),
      band: low !== null && high !== null ? [low, high] : null,
      flag: storedFlag ?? flagOf(elementAt(score, row)),
      stored: storedFlag !== null,
      ma: maValues?.[k] ?? null,
      trailing: trailValues?.[k] ?? null,
      previous: previousValues?.[i] ?? null,
    };
  }

  const shown = offset > 0 ? values.slice(offset) : values;
  const aggregate = periodAggregateOf(valueKind);
  let latest: number | null = null;
  for (let i = shown.length - 1; i >= 0 && latest === null; i--) latest = shown[i] ?? null;
  const comparison =
    previous && previousValues
      ? {
          ...comparePeriods({ current: shown, previous: previousValues, valueKind }),
          previousStart: previous.start.toISOString(),
          previousEnd: previous.end.toISOString(),
        }
      : null;

  let flagged = 0;
  let banded = false;
  for (const p of points) {
    if (p.flag !== null) flagged++;
    if (p.band !== null) banded = true;
  }
  return {
    ...metaOf(metric, zone),
    range: toResolvedRange(range, zone),
    ranges: rangePresetsFor(interval),
    points,
    options: { ma, trail, compare: previous !== null },
    comparison,
    summary: { aggregate, value: aggregatePeriod(shown, aggregate), latest, flagged },
    coverage: {
      start: coverage.start === null ? null : new Date(coverage.start).toISOString(),
      end: metric.watermark?.toISOString() ?? null,
    },
    bandMissing: !banded,
    annotations: toChartAnnotations(annotationRows, range),
  };
}

/** The dimensions a metric stores breakdowns under: its fact breakdowns, or `dimension` for SQL metrics. */
function dimensionsOf(definition: MetricDefinition | null): string[] {
  if (!definition) return [];
  if (definition.kind === 'fact' && definition.shape === 'single') return definition.breakdowns;
  if (definition.kind === 'sql') return [SQL_DIMENSION];
  return [];
}

/** For every breakdown dimension: the top N values over the range, stacked (counts) or side by side. */
export async function getMetricBreakdowns({ ctx, input }: Verb): Promise<BreakdownsView> {
  const { metric, range, query } = await loadRange(ctx, input);
  const zone = ctx.project.timeZone;
  const top = query.top ?? DEFAULT_TOP_N;
  const definition = metricDefinitionSchema.safeParse(metric.definition);
  const coverage = coverageOf(metric);
  const window = { start: range.start, end: range.end };
  const dimensions = [];
  for (const dimension of dimensionsOf(definition.success ? definition.data : null)) {
    const totals = await listBreakdownTotals(ctx.db, { metricId: metric.id, dimension, ...window });
    if (totals.length === 0 && definition.success && definition.data.kind === 'sql') continue;
    const keep = rankValues(totals, { valueKind: metric.valueKind, top });
    const rows = await listBreakdownSeries(ctx.db, {
      metricId: metric.id,
      dimension,
      ...window,
      keep,
      foldRest: metric.valueKind === 'count',
      otherLabel: OTHER,
    });
    const built = buildBreakdown({
      dimension,
      interval: metric.interval,
      buckets: range.buckets,
      rows: rows.map((r) => ({
        t: r.bucketStart.getTime(),
        dimensionValue: r.dimensionValue,
        value: r.value,
      })),
      valueKind: metric.valueKind,
      topN: top,
      coverage,
    });
    const view =
      metric.interval === 'hour' && range.buckets.length > ROLLUP_AFTER_BUCKETS
        ? rollupBreakdown(built, { to: 'day', timeZone: zone, valueKind: metric.valueKind })
        : built;
    const withValues = totals.filter((t) => t.dimensionValue !== OTHER && t.present > 0).length;
    const hidden = metric.valueKind === 'count' ? 0 : Math.max(0, withValues - keep.length);
    dimensions.push({ ...view, hidden });
  }
  return { ...metaOf(metric, zone), range: toResolvedRange(range, zone), top, dimensions };
}

/** The values worth a series of their own: largest totals for counts, best covered for fractional values. */
function rankValues(
  totals: readonly { dimensionValue: string; total: number | null; present: number; mean: number | null }[],
  { valueKind, top }: { valueKind: 'count' | 'fractional'; top: number },
): string[] {
  return totals
    .filter((t) => t.dimensionValue !== OTHER && t.present > 0)
    .sort((a, b) => {
      const weight = valueKind === 'count' ? (b.total ?? 0) - (a.total ?? 0) : b.present - a.present;
      return weight || (b.mean ?? 0) - (a.mean ?? 0) || a.dimensionValue.localeCompare(b.dimensionValue);
    })
    .slice(0, top)
    .map((t) => t.dimensionValue);
}

/** The metric's stored anomalies, active first, newest first. */
export async function listAnomaliesOfMetric({ ctx, input }: Verb): Promise<AnomalyDto[]> {
  requireRole(ctx, 'viewer');
  const { metricId } = parseInput(metricIdOnlySchema, input);
  await getSeriesMetricInProject(ctx.db, { projectId: ctx.project.id, metricId });
  const rows = await listMetricAnomalies(ctx.db, {
    projectId: ctx.project.id,
    metricId,
    limit: ANOMALY_LIST_LIMIT,
  });
  return rows.map(toAnomalyDto);
}

/** Records who looked at an anomaly. Acknowledging twice is a conflict naming who did it first. */
export async function acknowledgeAnomaly({ ctx, input }: Verb): Promise<AnomalyDto> {
  requireRole(ctx, 'editor');
  const { anomalyId } = parseInput(acknowledgeAnomalyInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const before = await getAnomalyInProject(tx.db, { projectId, anomalyId });
    if (before.acknowledgedAt) throw conflict('This anomaly was already acknowledged.');
    const after = await setAnomalyAcknowledged(tx.db, {
      projectId,
      anomalyId,
      userId: actorUserId(ctx.actor),
      label: actorLabelUnlessUser(ctx.actor),
      at: ctx.now(),
    });
    if (!after) throw conflict('This anomaly was already acknowledged.');
    await emitAudit(tx, {
      action: 'anomaly.acknowledge',
      resource: { type: 'anomaly', id: anomalyId },
      before: { acknowledgedAt: null },
      after: { acknowledgedAt: after.acknowledgedAt?.toISOString() ?? null },
      metadata: { metricId: after.metricId, bucketStart: after.bucketStart.toISOString() },
    });
    const [row] = (
      await listMetricAnomalies(tx.db, { projectId, metricId: after.metricId, limit: ANOMALY_LIST_LIMIT })
    ).filter((a) => a.id === anomalyId);
    if (!row) throw new AppError('internal', 'The acknowledged anomaly could not be read back.');
    return toAnomalyDto(row);
  });
}

/** The metric (for the header) and its definition in words, with ids resolved to names. */
export async function describeMetric({
  ctx,
  input,
}: Verb): Promise<{ metric: MetricDto; definition: DefinitionView }> {
  requireRole(ctx, 'viewer');
  const metric = await getMetric({ ctx, input });
  const def = metric.definition;
  const needs = {
    factTables: def.kind === 'fact',
    dataSources: def.kind === 'sql',
    metrics: def.kind === 'composition',
  };
  const [factTables, dataSources, metrics] = await Promise.all([
    needs.factTables ? listFactTables({ ctx }) : [],
    needs.dataSources ? listDataSources({ ctx }) : [],
    needs.metrics ? listCatalog({ ctx, input: {} }) : [],
  ]);
  const definition = describeDefinition(def, {
    valueKind: metric.valueKind,
    lookup: {
      factTables: new Map(
        factTables.map((t) => [
          t.id,
          { name: t.name, rowFilters: new Map(t.rowFilters.map((f) => [f.id, f])) },
        ]),
      ),
      dataSources: new Map(dataSources.map((s) => [s.id, s.name])),
      metrics: new Map(metrics.map((m) => [m.id, m.name])),
    },
  });
  return { metric, definition };
}

export type CsvExport = { filename: string; lines: AsyncIterable<string> };

/**
 * The shown range as CSV: `bucket_start,value` densified like the chart, or with `breakdown` the stored rows
 * of that dimension. Lines are produced lazily so the route can stream them.
 */
export async function exportMetricCsv({ ctx, input }: Verb): Promise<CsvExport> {
  const { metric, range, query } = await loadRange(ctx, input);
  const zone = ctx.project.timeZone;
  const resolved = toResolvedRange(range, zone);
  const filename = exportFilename({
    metricName: metric.name,
    from: resolved.from,
    to: resolved.to,
    dimension: query.breakdown,
  });
  if (query.breakdown) {
    const definition = metricDefinitionSchema.safeParse(metric.definition);
    const dimensions = dimensionsOf(definition.success ? definition.data : null);
    if (!dimensions.includes(query.breakdown)) {
      throw new AppError('validation', `${metric.name} has no breakdown by ${query.breakdown}.`, {
        fieldErrors: { breakdown: `Pick one of: ${dimensions.join(', ') || 'none'}.` },
      });
    }
    const rows = await listBreakdownRows(ctx.db, {
      metricId: metric.id,
      dimension: query.breakdown,
      start: range.start,
      end: range.end,
    });
    const dimension = query.breakdown;
    return {
      filename,
      lines: generate(['bucket_start', 'dimension', 'dimension_value', 'value'], function* () {
        for (const r of rows) yield [r.bucketStart.toISOString(), dimension, r.dimensionValue, r.value];
      }),
    };
  }
  const stored = await listMetricValues(ctx.db, { metricId: metric.id, start: range.start, end: range.end });
  const dense = densify({
    buckets: range.buckets,
    stored: stored.map((r) => ({ t: r.bucketStart.getTime(), value: r.value })),
    valueKind: metric.valueKind,
    coverage: coverageOf(metric),
  });
  return {
    filename,
    lines: generate(['bucket_start', 'value'], function* () {
      for (const p of dense) yield [new Date(p.t).toISOString(), p.value];
    }),
  };
}

async function* generate(
  header: string[],
  rows: () => Iterable<(string | number | null)[]>,
): AsyncGenerator<string> {
  yield csvLine(header);
  // Batches keep the number of stream chunks small for long hourly ranges.
  let batch = '';
  let n = 0;
  for (const row of rows()) {
    batch += csvLine(row);
    if (++n % 1000 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
