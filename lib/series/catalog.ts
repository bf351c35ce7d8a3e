/**
 * The catalog's value columns (latest value, change, sparkline, signal) for a page of catalog rows, read in
 * one statement however many rows there are.
 */
import { requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import type { MetricInterval } from '@/lib/metrics/schemas';
import { listCatalogSeries } from './catalog-queries';
import { recentBuckets, SPARKLINE_BUCKETS, summarizeRecent } from './recent';
import { catalogValuesInputSchema, type CatalogValues } from './schemas';

/** Per metric id of the project; ids of other projects are simply absent from the result. */
export async function listCatalogValues({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<Record<string, CatalogValues>> {
  requireRole(ctx, 'viewer');
  const { metricIds } = parseInput(catalogValuesInputSchema, input);
  const rows = await listCatalogSeries(ctx.db, {
    projectId: ctx.project.id,
    metricIds: [...new Set(metricIds)],
    limit: SPARKLINE_BUCKETS,
  });

  // Metrics collected by the same ticks share a watermark, so their sparkline buckets are listed once.
  const bucketsByWatermark = new Map<string, Date[]>();
  const bucketsOf = (watermark: Date, interval: MetricInterval) => {
    const key = `${interval}|${watermark.getTime()}`;
    let buckets = bucketsByWatermark.get(key);
    if (!buckets) {
      buckets = recentBuckets({ watermark, interval, timeZone: ctx.project.timeZone });
      bucketsByWatermark.set(key, buckets);
    }
    return buckets;
  };

  const result: Record<string, CatalogValues> = {};
  for (const row of rows) {
    const times = row.times ?? [];
    const values = row.values ?? [];
    const recent = summarizeRecent({
      stored: times.map((t, i) => ({ t: Number(t), value: values[i] ?? null })),
      watermark: row.watermark,
      interval: row.interval,
      valueKind: row.valueKind,
      timeZone: ctx.project.timeZone,
      buckets: row.watermark ? bucketsOf(row.watermark, row.interval) : undefined,
    });
    result[row.metricId] = {
      latest: recent.latest,
      latestBucket: recent.latestBucket?.toISOString() ?? null,
      previous: recent.previous,
      deltaPct: recent.deltaPct,
      sparkline: recent.sparkline,
      signal: row.signal ?? null,
      direction: row.direction,
      valueKind: row.valueKind,
    };
  }
  return result;
}
