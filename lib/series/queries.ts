import 'server-only';
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  annotations,
  anomalies,
  breakdownValues,
  metricValues,
  metrics,
  seriesVersions,
  users,
} from '@/db/schema';
import { notFound } from '@/lib/errors';
import { readFloat8Matrix } from './float8-array';

type Window = { start: Date; end: Date };

function prepareSeriesMetricLookup(db: DbOrTx) {
  return db
    .select({
      id: metrics.id,
      name: metrics.name,
      interval: metrics.interval,
      valueKind: metrics.valueKind,
      format: metrics.format,
      unit: metrics.unit,
      direction: metrics.direction,
      sensitivity: metrics.sensitivity,
      definition: metrics.definition,
      watermark: metrics.watermark,
      // The first stored bucket (epoch ms): collection coverage starts there. Read through the primary key.
      firstBucketMs: sql<
        number | null
      >`(select (extract(epoch from min(${metricValues.bucketStart})) * 1000)::float8 from ${metricValues} where ${metricValues.metricId} = ${metrics.id})`,
      // Moves with every change to what the series shows (database triggers): the series cache's validator.
      seriesVersion: sql<number>`coalesce((select ${seriesVersions.version}::float8 from ${seriesVersions} where ${seriesVersions.metricId} = ${metrics.id}), 0)`,
    })
    .from(metrics)
    .where(
      and(eq(metrics.projectId, sql.placeholder('projectId')), eq(metrics.id, sql.placeholder('metricId'))),
    )
    .limit(1)
    .prepare('get_series_metric');
}

/** Built once per database handle: every series read starts with this lookup. */
const seriesMetricLookups = new WeakMap<DbOrTx, ReturnType<typeof prepareSeriesMetricLookup>>();

/** What reading a metric's series needs to know about it, or NotFound for an id outside the project. */
export async function getSeriesMetricInProject(
  db: DbOrTx,
  { projectId, metricId }: { projectId: string; metricId: string },
) {
  let lookup = seriesMetricLookups.get(db);
  if (!lookup) {
    lookup = prepareSeriesMetricLookup(db);
    seriesMetricLookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ projectId, metricId });
  if (!row) throw notFound('Metric');
  return row;
}

/** Stored values of one metric in [start, end), oldest first. */
export async function listMetricValues(db: DbOrTx, { metricId, start, end }: { metricId: string } & Window) {
  return db
    .select({ bucketStart: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(
      and(
        eq(metricValues.metricId, metricId),
        gte(metricValues.bucketStart, start),
        lt(metricValues.bucketStart, end),
      ),
    )
    .orderBy(asc(metricValues.bucketStart));
}

/**
 * Epoch ms of a timestamp column, read as a number: no Date built per row on a year of hours. date_part is float
 * arithmetic (extract would compute in numeric); bucket starts are whole seconds, so the product is exact.
 */
const epochMs = (column: typeof metricValues.bucketStart | typeof anomalies.bucketStart) =>
  sql<number>`date_part('epoch', ${column}) * 1000`;

/**
 * A metric's stored rows as columns, oldest first: bucket starts (epoch ms), values and the stored band, NaN
 * where the column is NULL (read them with `elementAt`).
 */
export type SeriesColumns = Record<'t' | 'value' | 'expected' | 'lower' | 'upper' | 'score', Float64Array>;

/**
 * Stored values of one metric in [start, end) with the band detection stored beside them: one range scan of
 * the primary key, aggregated into a single binary float8 array (a row of six per bucket) sent as base64 text.
 * Printing and parsing six text columns of a year of hours cost more than everything else the drilldown does;
 * the binary array is copied out instead, and base64 is a third smaller than a bytea's hex form.
 */
export async function listSeriesPoints(
  db: DbOrTx,
  { metricId, start, end }: { metricId: string } & Window,
): Promise<SeriesColumns> {
  const mv = metricValues;
  const [row] = await db
    .select({
      rows: sql<string | null>`encode(array_send(array_agg(array[${epochMs(mv.bucketStart)}, ${mv.value},
        ${mv.expected}, ${mv.lower}, ${mv.upper}, ${mv.score}] order by ${mv.bucketStart})), 'base64')`,
    })
    .from(mv)
    .where(and(eq(mv.metricId, metricId), gte(mv.bucketStart, start), lt(mv.bucketStart, end)));
  const none = new Float64Array(0);
  // Node's base64 decoder skips the line breaks Postgres puts every 76 characters.
  const [t = none, value = none, expected = none, lower = none, upper = none, score = none] = row?.rows
    ? readFloat8Matrix(Buffer.from(row.rows, 'base64'))
    : [];
  return { t, value, expected, lower, upper, score };
}

/** The buckets (epoch ms) in [start, end) where a whole-metric anomaly is stored, with its severity. */
export async function listSeriesAnomalyMarks(
  db: DbOrTx,
  { projectId, metricId, start, end }: { projectId: string; metricId: string } & Window,
) {
  return db
    .select({ t: epochMs(anomalies.bucketStart).mapWith(Number), severity: anomalies.severity })
    .from(anomalies)
    .where(
      and(
        eq(anomalies.projectId, projectId),
        eq(anomalies.metricId, metricId),
        eq(anomalies.dimension, ''),
        gte(anomalies.bucketStart, start),
        lt(anomalies.bucketStart, end),
      ),
    );
}

/** Per dimension value over [start, end): its total, how many buckets have a value, and its mean. */
export async function listBreakdownTotals(
  db: DbOrTx,
  { metricId, dimension, start, end }: { metricId: string; dimension: string } & Window,
) {
  return db
    .select({
      dimensionValue: breakdownValues.dimensionValue,
      total: sql<number | null>`sum(${breakdownValues.value})`.mapWith(Number),
      present: sql<number>`count(${breakdownValues.value})`.mapWith(Number),
      mean: sql<number | null>`avg(${breakdownValues.value})`.mapWith(Number),
    })
    .from(breakdownValues)
    .where(
      and(
        eq(breakdownValues.metricId, metricId),
        eq(breakdownValues.dimension, dimension),
        gte(breakdownValues.bucketStart, start),
        lt(breakdownValues.bucketStart, end),
      ),
    )
    .groupBy(breakdownValues.dimensionValue);
}

/**
 * Breakdown values of one dimension in [start, end) for the `keep` values only; with `foldRest` every other
 * value is summed per bucket under `otherLabel` (only meaningful for count-shaped metrics).
 */
export async function listBreakdownSeries(
  db: DbOrTx,
  {
    metricId,
    dimension,
    start,
    end,
    keep,
    foldRest,
    otherLabel,
  }: {
    metricId: string;
    dimension: string;
    keep: readonly string[];
    foldRest: boolean;
    otherLabel: string;
  } & Window,
) {
  const inWindow = and(
    eq(breakdownValues.metricId, metricId),
    eq(breakdownValues.dimension, dimension),
    gte(breakdownValues.bucketStart, start),
    lt(breakdownValues.bucketStart, end),
  );
  const kept = inArray(breakdownValues.dimensionValue, [...keep]);
  const label = sql<string>`case when ${kept} then ${breakdownValues.dimensionValue} else ${otherLabel} end`;
  return db
    .select({
      bucketStart: breakdownValues.bucketStart,
      dimensionValue: label,
      value: sql<number | null>`sum(${breakdownValues.value})`.mapWith(Number),
    })
    .from(breakdownValues)
    .where(foldRest ? inWindow : and(inWindow, kept))
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1`, sql`2`);
}

/** Every stored breakdown row of one dimension in [start, end), for exports. */
export async function listBreakdownRows(
  db: DbOrTx,
  { metricId, dimension, start, end }: { metricId: string; dimension: string } & Window,
) {
  return db
    .select({
      bucketStart: breakdownValues.bucketStart,
      dimensionValue: breakdownValues.dimensionValue,
      value: breakdownValues.value,
    })
    .from(breakdownValues)
    .where(
      and(
        eq(breakdownValues.metricId, metricId),
        eq(breakdownValues.dimension, dimension),
        gte(breakdownValues.bucketStart, start),
        lt(breakdownValues.bucketStart, end),
      ),
    )
    .orderBy(asc(breakdownValues.bucketStart), asc(breakdownValues.dimensionValue));
}

const anomalyColumns = {
  id: anomalies.id,
  bucketStart: anomalies.bucketStart,
  dimension: anomalies.dimension,
  dimensionValue: anomalies.dimensionValue,
  value: anomalies.value,
  expected: anomalies.expected,
  lower: anomalies.lower,
  upper: anomalies.upper,
  score: anomalies.score,
  severity: anomalies.severity,
  direction: anomalies.direction,
  status: anomalies.status,
  expectedEvent: anomalies.expectedEvent,
  acknowledgedAt: anomalies.acknowledgedAt,
  // A person's current name, or the label of the token that acknowledged.
  acknowledgedByName: sql<string | null>`coalesce(${users.name}, ${anomalies.acknowledgedByLabel})`,
};

/** A metric's stored anomalies, active ones first, newest first; with a window, only those inside it. */
export async function listMetricAnomalies(
  db: DbOrTx,
  {
    projectId,
    metricId,
    window,
    limit,
  }: { projectId: string; metricId: string; window?: Window; limit: number },
) {
  return db
    .select(anomalyColumns)
    .from(anomalies)
    .leftJoin(users, eq(users.id, anomalies.acknowledgedBy))
    .where(
      and(
        eq(anomalies.projectId, projectId),
        eq(anomalies.metricId, metricId),
        window ? gte(anomalies.bucketStart, window.start) : undefined,
        window ? lt(anomalies.bucketStart, window.end) : undefined,
      ),
    )
    .orderBy(asc(anomalies.status), desc(anomalies.bucketStart))
    .limit(limit);
}

export async function getAnomalyInProject(
  db: DbOrTx,
  { projectId, anomalyId }: { projectId: string; anomalyId: string },
) {
  const [row] = await db
    .select()
    .from(anomalies)
    .where(and(eq(anomalies.projectId, projectId), eq(anomalies.id, anomalyId)))
    .limit(1);
  if (!row) throw notFound('Anomaly');
  return row;
}

/** Marks the anomaly acknowledged unless it already is; null when someone else got there first. */
export async function setAnomalyAcknowledged(
  db: DbOrTx,
  {
    projectId,
    anomalyId,
    userId,
    label,
    at,
  }: { projectId: string; anomalyId: string; userId: string | null; label: string | null; at: Date },
) {
  const [row] = await db
    .update(anomalies)
    .set({ acknowledgedBy: userId, acknowledgedByLabel: label, acknowledgedAt: at, updatedAt: at })
    .where(
      and(eq(anomalies.projectId, projectId), eq(anomalies.id, anomalyId), isNull(anomalies.acknowledgedAt)),
    )
    .returning();
  return row ?? null;
}

/** Annotations of the metric, or of the whole project, that overlap [start, end); one without an end is a moment. */
export async function listMetricAnnotations(
  db: DbOrTx,
  { projectId, metricId, start, end }: { projectId: string; metricId: string } & Window,
) {
  return db
    .select({ startsAt: annotations.startsAt, endsAt: annotations.endsAt, note: annotations.note })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        or(eq(annotations.metricId, metricId), isNull(annotations.metricId)),
        lt(annotations.startsAt, end),
        or(gt(annotations.endsAt, start), and(isNull(annotations.endsAt), gte(annotations.startsAt, start))),
      ),
    )
    .orderBy(asc(annotations.startsAt))
    .limit(500);
}
