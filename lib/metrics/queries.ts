import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { metricDependencies, metricVersions, metrics, users } from '@/db/schema';
import { notFound } from '@/lib/errors';
import type { CatalogQuery, MetricLifecycle } from './schemas';

export type MetricRow = typeof metrics.$inferSelect;
export type NewMetricRow = typeof metrics.$inferInsert;

export async function listCatalogRows(
  db: DbOrTx,
  { projectId, query }: { projectId: string; query: CatalogQuery },
) {
  const conditions: SQL[] = [eq(metrics.projectId, projectId)];
  if (query.kind) conditions.push(eq(metrics.kind, query.kind));
  if (query.lifecycle) conditions.push(eq(metrics.lifecycle, query.lifecycle));
  if (query.tag) conditions.push(sql`${query.tag} = any(${metrics.tags})`);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(ilike(metrics.name, pattern), ilike(metrics.description, pattern));
    if (match) conditions.push(match);
  }
  return db
    .select({
      id: metrics.id,
      name: metrics.name,
      description: metrics.description,
      kind: metrics.kind,
      lifecycle: metrics.lifecycle,
      interval: metrics.interval,
      tags: metrics.tags,
      unit: metrics.unit,
      format: metrics.format,
      direction: metrics.direction,
      ownerName: users.name,
      lastCollectionStatus: metrics.lastCollectionStatus,
      lastCollectionError: metrics.lastCollectionError,
      lastSuccessAt: metrics.lastSuccessAt,
    })
    .from(metrics)
    .leftJoin(users, eq(users.id, metrics.ownerId))
    .where(and(...conditions))
    .orderBy(asc(metrics.name));
}

export async function getMetricInProject(
  db: DbOrTx,
  { projectId, metricId }: { projectId: string; metricId: string },
) {
  const [row] = await db
    .select()
    .from(metrics)
    .where(and(eq(metrics.projectId, projectId), eq(metrics.id, metricId)))
    .limit(1);
  if (!row) throw notFound('Metric');
  return row;
}

export async function listMetricsInProjectByIds(
  db: DbOrTx,
  { projectId, metricIds }: { projectId: string; metricIds: string[] },
) {
  return db
    .select()
    .from(metrics)
    .where(and(eq(metrics.projectId, projectId), inArray(metrics.id, metricIds)));
}

export async function findMetricByName(db: DbOrTx, { projectId, name }: { projectId: string; name: string }) {
  const [row] = await db
    .select()
    .from(metrics)
    .where(and(eq(metrics.projectId, projectId), eq(metrics.name, name)))
    .limit(1);
  return row ?? null;
}

export async function setLifecycle(
  db: DbOrTx,
  { projectId, metricIds, lifecycle }: { projectId: string; metricIds: string[]; lifecycle: MetricLifecycle },
) {
  return db
    .update(metrics)
    .set({ lifecycle, updatedAt: new Date() })
    .where(and(eq(metrics.projectId, projectId), inArray(metrics.id, metricIds)))
    .returning({ id: metrics.id, name: metrics.name, lifecycle: metrics.lifecycle });
}

export async function insertMetric(
  db: DbOrTx,
  values: NewMetricRow & { dependencies: { factTableId?: string; inputMetricId?: string }[] },
) {
  const { dependencies, ...row } = values;
  const [metric] = await db.insert(metrics).values(row).returning();
  if (!metric) throw new Error('insert into metrics returned no row');
  if (dependencies.length > 0) {
    await db.insert(metricDependencies).values(
      dependencies.map((d) => ({
        metricId: metric.id,
        factTableId: d.factTableId ?? null,
        inputMetricId: d.inputMetricId ?? null,
      })),
    );
  }
  return metric;
}

export async function insertMetricVersion(
  db: DbOrTx,
  values: { metricId: string; version: number; snapshot: Record<string, unknown>; changedBy: string | null },
) {
  await db.insert(metricVersions).values(values);
}
