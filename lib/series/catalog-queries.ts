import 'server-only';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { anomalies, metricValues, metrics } from '@/db/schema';

/**
 * The catalog's series columns for many metrics in one statement, one row per metric: its latest `limit`
 * settled values as two parallel arrays (bucket starts in epoch ms, values), oldest first, read by a LATERAL
 * subquery walking the (metric_id, bucket_start) key backwards, and the highest severity among its active
 * anomalies. Arrays keep the result at one row per metric: mapping 30 rows per metric was most of the read.
 */
export async function listCatalogSeries(db: DbOrTx, args: CatalogSeriesArgs) {
  if (args.metricIds.length === 0) return [];
  return catalogSeriesQuery(db, args);
}

type CatalogSeriesArgs = { projectId: string; metricIds: readonly string[]; limit: number };

/** The statement itself, unexecuted (the read benchmark explains it). */
export function catalogSeriesQuery(db: DbOrTx, { projectId, metricIds, limit }: CatalogSeriesArgs) {
  const latest = db
    .select({ bucketStart: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(and(eq(metricValues.metricId, metrics.id), lt(metricValues.bucketStart, metrics.watermark)))
    .orderBy(desc(metricValues.bucketStart))
    .limit(limit)
    .as('latest');
  const recent = db
    .select({
      times: sql<
        number[] | null
      >`array_agg((extract(epoch from ${latest.bucketStart}) * 1000)::float8 order by ${latest.bucketStart})`.as(
        'times',
      ),
      values: sql<(number | null)[] | null>`array_agg(${latest.value} order by ${latest.bucketStart})`.as(
        'values',
      ),
    })
    .from(latest)
    .as('recent');
  const signal = db
    .select({ severity: sql<'low' | 'medium' | 'high' | null>`max(${anomalies.severity})`.as('severity') })
    .from(anomalies)
    .where(and(eq(anomalies.metricId, metrics.id), eq(anomalies.status, 'active')))
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
    .leftJoinLateral(signal, sql`true`)
    .where(
      and(
        eq(metrics.projectId, projectId),
        // One array parameter rather than one parameter per id: building and planning 1,000 of them was slow.
        sql`${metrics.id} = any(${`{${metricIds.join(',')}}`}::uuid[])`,
      ),
    );
}
