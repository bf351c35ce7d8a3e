/**
 * Series reads through the API: the drilldown's series (JSON, or CSV of the same points, so both always agree)
 * and its breakdowns (JSON, or CSV of one dimension's stored rows as the drilldown export gives them).
 */
import type { z } from 'zod';
import type { ServiceContext } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { csvLine, exportFilename } from '@/lib/series/csv';
import { csvResponse } from '@/lib/series/csv-response';
import type { BreakdownsView, SeriesView } from '@/lib/series/schemas';
import {
  exportMetricCsv,
  getMetricBreakdowns,
  getMetricSeries,
  getMetricSeriesJson,
} from '@/lib/series/service';
import type { breakdownApiQuerySchema, seriesApiQuerySchema } from './schemas';

export const SERIES_CSV_HEADER = ['bucket_start', 'value', 'expected', 'lower', 'upper', 'anomaly'] as const;

export async function readSeries({
  ctx,
  metricId,
  query,
  ifNoneMatch,
}: {
  ctx: ServiceContext;
  metricId: string;
  query: z.output<typeof seriesApiQuerySchema>;
  ifNoneMatch: string | null;
}): Promise<Response> {
  const { format, grain, ...options } = query;
  if (format === 'json') {
    const series = await getMetricSeriesJson({ ctx, input: { ...options, metricId }, ifNoneMatch });
    checkGrain(series, grain);
    // Revalidated rather than stored: the ETag names everything the answer is built from.
    const headers = { ETag: series.etag, 'Cache-Control': 'private, no-cache' };
    if (series.json === null) return new Response(null, { status: 304, headers });
    return new Response(series.json, { headers: { ...headers, 'Content-Type': 'application/json' } });
  }
  const view = await getMetricSeries({ ctx, input: { ...options, metricId } });
  checkGrain(view, grain);
  return csvResponse({
    filename: exportFilename({ metricName: view.name, from: view.range.from, to: view.range.to }),
    lines: seriesCsvLines(view),
  });
}

function checkGrain(series: Pick<SeriesView, 'name' | 'interval'>, grain: string | undefined): void {
  if (grain && grain !== series.interval) {
    throw new AppError(
      'validation',
      `${series.name} is collected by ${series.interval}; its series has that grain.`,
      { fieldErrors: { grain: `Use ${series.interval}, or leave grain out.` } },
    );
  }
}

/** One line per bucket of the range: the same points the JSON answer holds. */
async function* seriesCsvLines(view: SeriesView): AsyncGenerator<string> {
  yield csvLine([...SERIES_CSV_HEADER]);
  let batch = '';
  for (const [i, p] of view.points.entries()) {
    batch += csvLine([
      new Date(p.t).toISOString(),
      p.value,
      p.expected,
      p.band?.[0] ?? null,
      p.band?.[1] ?? null,
      p.flag,
    ]);
    if ((i + 1) % 1000 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

export async function readBreakdown({
  ctx,
  metricId,
  query,
}: {
  ctx: ServiceContext;
  metricId: string;
  query: z.output<typeof breakdownApiQuerySchema>;
}): Promise<BreakdownsView | Response> {
  const { format, dimension, top, ...range } = query;
  if (format === 'csv') {
    return csvResponse(await exportMetricCsv({ ctx, input: { ...range, metricId, breakdown: dimension } }));
  }
  const view = await getMetricBreakdowns({ ctx, input: { ...range, ...(top ? { top } : {}), metricId } });
  if (!dimension) return view;
  const dimensions = view.dimensions.filter((d) => d.dimension === dimension);
  if (dimensions.length === 0) {
    const known = view.dimensions.map((d) => d.dimension);
    throw new AppError('validation', `${view.name} has no breakdown by ${dimension}.`, {
      fieldErrors: { dimension: `Pick one of: ${known.join(', ') || 'none'}.` },
    });
  }
  return { ...view, dimensions };
}
