import 'server-only';
import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { anomalies, metricValues, metrics } from '@/db/schema';

/**
 * The catalog's series columns for many metrics in one statement, one row per metric: its latest `limit`
 * settled values as two parallel arrays (bucket starts in epoch ms, values), oldest first, and the highest
 * severity among its active anomalies. Arrays keep the result at one row per metric: mapping 30 rows per metric
 * was most of the read.
 *
 * The values come from a LATERAL subquery per metric walking `metric_values_recent_idx` (metric, bucket, value)
 * backwards from the watermark: an index-only scan, which visits the table only for rows written since the last
 * vacuum. They travel as JSON, which the drivers parse natively (a float8[] is parsed character by character).
 * The signal is one grouped pass over the project's active anomalies, hash-joined, instead of a subquery per
 * metric.
 */
export async function listCatalogSeries(db: DbOrTx, args: CatalogSeriesArgs) {
  if (args.metricIds.length === 0) return [];
  return catalogSeriesQuery(db, args);
}

type CatalogSeriesArgs = { projectId: string; metricIds: readonly string[]; limit: number };

/** The statement itself, unexecuted (the read benchmark explains it). */
export function catalogSeriesQuery(db: DbOrTx, { projectId, metricIds, limit }: CatalogSeriesArgs) {
  const newest = db
    .select({ bucketStart: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(and(eq(metricValues.metricId, metrics.id), lt(metricValues.bucketStart, metrics.watermark)))
    .orderBy(desc(metricValues.bucketStart))
    .limit(limit)
    .as('newest');
  // Oldest first: one sort of the `limit` rows, then plain aggregates (an ordered aggregate sorts once per column).
  const latest = db
    .select({ bucketStart: newest.bucketStart, value: newest.value })
    .from(newest)
    .orderBy(asc(newest.bucketStart))
    .as('latest');
  const recent = db
    .select({
      // JSON rather than arrays: the driver parses it natively. date_part is float arithmetic; extract is numeric.
      times: sql<number[] | null>`json_agg(date_part('epoch', ${latest.bucketStart}) * 1000)`.as('times'),
      values: sql<(number | null)[] | null>`json_agg(${latest.value})`.as('values'),
    })
    .from(latest)
    .as('recent');
  const idList = sql`${`{${metricIds.join(',')}}`}::uuid[]`;
  const signal = db
    .select({
      metricId: anomalies.metricId,
      severity: sql<'low' | 'medium' | 'high' | null>`max(${anomalies.severity})`.as('severity'),
    })
    .from(anomalies)
    .where(
      and(
        eq(anomalies.projectId, projectId),
        eq(anomalies.status, 'active'),
        sql`${anomalies.metricId} = any(${idList})`,
      ),
    )
    .groupBy(anomalies.metricId)
    .as('signal');
  return db
    .select({
      metricId: metrics.id,
      interval: metrics.interval,
      valueKind: metrics.valueKind,
      direction: metrics.direction,
      watermark: metrics.watermark,
      times: recent.times,
      values: recent.values,
      signal: signal.severity,
    })
    .from(metrics)
    .leftJoinLateral(recent, sql`true`)
    .leftJoin(signal, eq(signal.metricId, metrics.id))
    .where(
      and(
        eq(metrics.projectId, projectId),
        // One array parameter rather than one parameter per id: building and planning 1,000 of them was slow.
        sql`${metrics.id} = any(${idList})`,
      ),
    );
}
