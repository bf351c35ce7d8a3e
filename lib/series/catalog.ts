/**
 * The catalog's value columns (latest value, change, sparkline, signal) for many catalog rows, read in one
 * statement however many rows there are, and the catalog page built from the rows and those values.
 */
import { requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import {
  arrangeCatalog,
  catalogFacets,
  type ArrangedCatalog,
  type CatalogFacets,
} from '@/lib/metrics/catalog-view';
import { catalogQuerySchema, type MetricInterval } from '@/lib/metrics/schemas';
import { listCatalogWithAll } from '@/lib/metrics/service';
import { listCatalogSeries } from './catalog-queries';
import { recentBuckets, SPARKLINE_BUCKETS, summarizeRecent } from './recent';
import { catalogValuesInputSchema, type CatalogValues } from './schemas';

export type CatalogPage = ArrangedCatalog & {
  /** Metrics in the project, whatever the filters. */
  total: number;
  facets: CatalogFacets;
  /** The time staleness was judged at (ISO), for "last collected 3 h ago". */
  now: string;
};

/**
 * The catalog page in two statements: one for the project's rows (each flagged whether it matches the search,
 * kind, status, tag and owner filters; all of them feed the menus), one for the values of every matching metric.
 * The signal and stale filters, the sort and the page come after, as they need those values.
 */
export async function listCatalogPage({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<CatalogPage> {
  requireRole(ctx, 'viewer');
  const query = parseInput(catalogQuerySchema, input);
  const { matching, all } = await listCatalogWithAll({ ctx, input: query });
  const values = await readCatalogValues(
    ctx,
    matching.map((r) => r.id),
  );
  const now = ctx.now();
  return {
    ...arrangeCatalog({ rows: matching, values, query, now }),
    total: all.length,
    facets: catalogFacets(all),
    now: now.toISOString(),
  };
}

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
  return readCatalogValues(ctx, metricIds);
}

async function readCatalogValues(
  ctx: ServiceContext,
  metricIds: readonly string[],
): Promise<Record<string, CatalogValues>> {
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
