/**
 * The catalog's value columns (latest value, change, sparkline, signal) for a page of catalog rows, read in
 * one statement however many rows there are.
 */
import { requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { listCatalogSeriesRows } from './queries';
import { SPARKLINE_BUCKETS, summarizeRecent } from './recent';
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
  const rows = await listCatalogSeriesRows(ctx.db, {
    projectId: ctx.project.id,
    metricIds: [...new Set(metricIds)],
    limit: SPARKLINE_BUCKETS,
  });

  const byMetric = new Map<
    string,
    { head: (typeof rows)[number]; points: { t: number; value: number | null }[] }
  >();
  for (const row of rows) {
    let entry = byMetric.get(row.metricId);
    if (!entry) byMetric.set(row.metricId, (entry = { head: row, points: [] }));
    if (row.bucketStart) entry.points.push({ t: row.bucketStart.getTime(), value: row.value });
  }

  const result: Record<string, CatalogValues> = {};
  for (const [metricId, { head, points }] of byMetric) {
    const recent = summarizeRecent({
      stored: points,
      watermark: head.watermark,
      interval: head.interval,
      valueKind: head.valueKind,
      timeZone: ctx.project.timeZone,
    });
    result[metricId] = {
      latest: recent.latest,
      latestBucket: recent.latestBucket?.toISOString() ?? null,
      previous: recent.previous,
      deltaPct: recent.deltaPct,
      sparkline: recent.sparkline,
      signal: head.signal ?? null,
      direction: head.direction,
      valueKind: head.valueKind,
    };
  }
  return result;
}
