import { emitAudit } from '@/lib/audit/service';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound, parseInput } from '@/lib/errors';
import { listCatalogRows, listMetricsInProjectByIds, setLifecycle } from './queries';
import {
  catalogQuerySchema,
  setLifecycleInputSchema,
  type MetricFormat,
  type MetricInterval,
  type MetricLifecycle,
} from './schemas';

export type CatalogRow = {
  id: string;
  name: string;
  description: string;
  kind: 'fact' | 'sql' | 'composition';
  lifecycle: MetricLifecycle;
  interval: MetricInterval;
  tags: string[];
  unit: string;
  format: MetricFormat;
  ownerName: string | null;
  lastCollectionStatus: 'ok' | 'failed' | null;
  lastCollectionError: string | null;
  lastSuccessAt: string | null;
};

export async function listCatalog({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<CatalogRow[]> {
  requireRole(ctx, 'viewer');
  const query = parseInput(catalogQuerySchema, input);
  const rows = await listCatalogRows(ctx.db, { projectId: ctx.project.id, query });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    lifecycle: r.lifecycle,
    interval: r.interval,
    tags: r.tags,
    unit: r.unit,
    format: r.format,
    ownerName: r.ownerName,
    lastCollectionStatus: r.lastCollectionStatus,
    lastCollectionError: r.lastCollectionError,
    lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
  }));
}

/** Bulk archive / activate / back to draft, all or nothing: an id outside the project fails the whole call. */
export async function setMetricsLifecycle({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<{ updated: number }> {
  requireRole(ctx, 'editor');
  const { metricIds, lifecycle } = parseInput(setLifecycleInputSchema, input);
  const ids = [...new Set(metricIds)];
  return withTransaction(ctx, async (tx) => {
    const before = await listMetricsInProjectByIds(tx.db, { projectId: ctx.project.id, metricIds: ids });
    if (before.length !== ids.length) throw notFound('One of the selected metrics');
    const after = await setLifecycle(tx.db, { projectId: ctx.project.id, metricIds: ids, lifecycle });
    for (const metric of before) {
      await emitAudit(tx, {
        action: `metric.${lifecycle === 'archived' ? 'archive' : lifecycle === 'active' ? 'activate' : 'draft'}`,
        resource: { type: 'metric', id: metric.id },
        before: { lifecycle: metric.lifecycle },
        after: { lifecycle },
      });
    }
    return { updated: after.length };
  });
}
