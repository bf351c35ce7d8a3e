/**
 * The REST API's metric operations that are more than one verb call: the catalog page behind a cursor, PATCH
 * as "the stored metric with these fields changed", and archive / activate of one metric.
 */
import type { z } from 'zod';
import { requireRole, type ServiceContext } from '@/lib/context';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { metricIdInputSchema, type MetricLifecycle } from '@/lib/metrics/schemas';
import {
  getMetric,
  setMetricsLifecycle,
  updateMetric,
  type MetricDto,
  type MetricUpdateResult,
} from '@/lib/metrics/service';
import { listCatalogPage } from '@/lib/series/catalog';
import type { metricListQuerySchema, metricPatchBodySchema } from './schemas';

export async function listMetricsPage({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: z.output<typeof metricListQuerySchema>;
}) {
  const { cursor, ...filters } = query;
  const page = await listCatalogPage({ ctx, input: { ...filters, page: cursor ? Number(cursor) : 1 } });
  return {
    data: page.entries,
    nextCursor: page.page < page.pageCount ? String(page.page + 1) : null,
    matching: page.matching,
    total: page.total,
  };
}

/** The stored metric with the given fields replaced; without `expectedVersion`, the version just read. */
export async function patchMetric({
  ctx,
  metricId,
  patch,
}: {
  ctx: ServiceContext;
  metricId: string;
  patch: z.input<typeof metricPatchBodySchema>;
}): Promise<MetricUpdateResult> {
  requireRole(ctx, 'editor');
  const current = await getMetric({ ctx, input: { metricId } });
  const { expectedVersion, ...fields } = patch;
  return updateMetric({
    ctx,
    input: {
      name: current.name,
      description: current.description,
      ownerId: current.ownerId,
      tags: current.tags,
      unit: current.unit,
      format: current.format,
      direction: current.direction,
      interval: current.interval,
      lifecycle: current.lifecycle,
      sensitivity: current.sensitivity,
      definition: current.definition,
      ...fields,
      metricId,
      expectedVersion: expectedVersion ?? current.version,
    },
  });
}

export async function setMetricLifecycle({
  ctx,
  metricId,
  lifecycle,
}: {
  ctx: ServiceContext;
  metricId: string;
  lifecycle: MetricLifecycle;
}): Promise<MetricDto> {
  requireRole(ctx, 'editor');
  parseInput(metricIdInputSchema, { metricId });
  try {
    await setMetricsLifecycle({ ctx, input: { metricIds: [metricId], lifecycle } });
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw notFound('Metric');
    throw error;
  }
  return getMetric({ ctx, input: { metricId } });
}
