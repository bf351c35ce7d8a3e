import { and, asc, desc, eq, inArray, isNotNull, isNull, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  dataSources,
  factTables,
  memberships,
  metricDependencies,
  metricVersions,
  metrics,
  users,
} from '@/db/schema';
import { notFound } from '@/lib/errors';
import type { MetricDependency } from './dependencies';
import type { CatalogQuery, MetricLifecycle } from './schemas';

export type MetricRow = typeof metrics.$inferSelect;
export type NewMetricRow = typeof metrics.$inferInsert;

/**
 * Catalog rows matching the query's filters, ordered by name. With `everyRow`, every metric of the project
 * comes back instead, each with `matches` telling whether it passes the filters: one statement then feeds both
 * the filtered list and the filter menus (every tag and owner of the project).
 */
export async function listCatalogRows(
  db: DbOrTx,
  { projectId, query, everyRow = false }: { projectId: string; query: CatalogQuery; everyRow?: boolean },
) {
  const filters: SQL[] = [];
  if (query.kind) filters.push(eq(metrics.kind, query.kind));
  if (query.lifecycle) filters.push(eq(metrics.lifecycle, query.lifecycle));
  if (query.tag) filters.push(sql`${query.tag} = any(${metrics.tags})`);
  if (query.owner === 'none') filters.push(isNull(metrics.ownerId));
  else if (query.owner) filters.push(eq(metrics.ownerId, query.owner));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(ilike(metrics.name, pattern), ilike(metrics.description, pattern));
    if (match) filters.push(match);
  }
  const matching = and(...filters);
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
      ownerId: metrics.ownerId,
      ownerName: users.name,
      lastCollectionStatus: metrics.lastCollectionStatus,
      lastCollectionError: metrics.lastCollectionError,
      lastSuccessAt: metrics.lastSuccessAt,
      createdAt: metrics.createdAt,
      matches: matching ? sql<boolean>`coalesce(${matching}, false)` : sql<boolean>`true`,
    })
    .from(metrics)
    .leftJoin(users, eq(users.id, metrics.ownerId))
    .where(
      everyRow || !matching
        ? eq(metrics.projectId, projectId)
        : and(eq(metrics.projectId, projectId), matching),
    )
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

/** The metric with its owner's name, or NotFound. */
export async function getMetricWithOwnerInProject(
  db: DbOrTx,
  { projectId, metricId }: { projectId: string; metricId: string },
) {
  const [row] = await db
    .select({ metric: metrics, ownerName: users.name })
    .from(metrics)
    .leftJoin(users, eq(users.id, metrics.ownerId))
    .where(and(eq(metrics.projectId, projectId), eq(metrics.id, metricId)))
    .limit(1);
  if (!row) throw notFound('Metric');
  return row;
}

export async function listMetricsInProjectByIds(
  db: DbOrTx,
  { projectId, metricIds }: { projectId: string; metricIds: string[] },
) {
  if (metricIds.length === 0) return [];
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

async function insertDependencies(
  db: DbOrTx,
  { metricId, dependencies }: { metricId: string; dependencies: readonly MetricDependency[] },
) {
  if (dependencies.length === 0) return;
  await db.insert(metricDependencies).values(
    dependencies.map((d) => ({
      metricId,
      factTableId: 'factTableId' in d ? d.factTableId : null,
      inputMetricId: 'inputMetricId' in d ? d.inputMetricId : null,
    })),
  );
}

export async function insertMetric(
  db: DbOrTx,
  values: NewMetricRow & { dependencies: readonly MetricDependency[] },
) {
  const { dependencies, ...row } = values;
  const [metric] = await db.insert(metrics).values(row).returning();
  if (!metric) throw new Error('insert into metrics returned no row');
  await insertDependencies(db, { metricId: metric.id, dependencies });
  return metric;
}

/**
 * Saves a new version of the metric only if it is still at `expectedVersion`; null when another save got
 * there first (or the metric is gone).
 */
export async function updateMetricRow(
  db: DbOrTx,
  {
    projectId,
    metricId,
    expectedVersion,
    values,
  }: {
    projectId: string;
    metricId: string;
    expectedVersion: number;
    values: Omit<Partial<NewMetricRow>, 'id' | 'projectId' | 'version' | 'createdAt'>;
  },
) {
  const [row] = await db
    .update(metrics)
    .set({ ...values, version: expectedVersion + 1, updatedAt: new Date() })
    .where(
      and(eq(metrics.projectId, projectId), eq(metrics.id, metricId), eq(metrics.version, expectedVersion)),
    )
    .returning();
  return row ?? null;
}

export async function replaceMetricDependencies(
  db: DbOrTx,
  { metricId, dependencies }: { metricId: string; dependencies: readonly MetricDependency[] },
) {
  await db.delete(metricDependencies).where(eq(metricDependencies.metricId, metricId));
  await insertDependencies(db, { metricId, dependencies });
}

/** Its values, breakdowns, anomalies, versions and dependency rows go with it (ON DELETE CASCADE). */
export async function deleteMetricRow(
  db: DbOrTx,
  { projectId, metricId }: { projectId: string; metricId: string },
) {
  await db.delete(metrics).where(and(eq(metrics.projectId, projectId), eq(metrics.id, metricId)));
}

export async function insertMetricVersion(
  db: DbOrTx,
  values: { metricId: string; version: number; snapshot: Record<string, unknown>; changedBy: string | null },
) {
  await db.insert(metricVersions).values(values);
}

/** Every saved version of a metric, newest first, with the name of who saved it. */
export async function listMetricVersionRows(db: DbOrTx, { metricId }: { metricId: string }) {
  return db
    .select({
      version: metricVersions.version,
      snapshot: metricVersions.snapshot,
      changedBy: metricVersions.changedBy,
      changedByName: users.name,
      createdAt: metricVersions.createdAt,
    })
    .from(metricVersions)
    .leftJoin(users, eq(users.id, metricVersions.changedBy))
    .where(eq(metricVersions.metricId, metricId))
    .orderBy(desc(metricVersions.version));
}

/** Metrics of the project that read `metricId` as an input (compositions). */
export async function listMetricsReadingMetric(
  db: DbOrTx,
  { projectId, metricId }: { projectId: string; metricId: string },
) {
  return db
    .selectDistinct({ id: metrics.id, name: metrics.name, interval: metrics.interval })
    .from(metricDependencies)
    .innerJoin(metrics, eq(metrics.id, metricDependencies.metricId))
    .where(and(eq(metrics.projectId, projectId), eq(metricDependencies.inputMetricId, metricId)))
    .orderBy(asc(metrics.name));
}

/** The input-metric edges leaving `metricIds`: which metrics each of them reads. */
export async function listInputMetricEdges(
  db: DbOrTx,
  { projectId, metricIds }: { projectId: string; metricIds: string[] },
) {
  if (metricIds.length === 0) return [];
  return db
    .select({ metricId: metricDependencies.metricId, inputMetricId: metricDependencies.inputMetricId })
    .from(metricDependencies)
    .innerJoin(metrics, eq(metrics.id, metricDependencies.metricId))
    .where(
      and(
        eq(metrics.projectId, projectId),
        inArray(metricDependencies.metricId, metricIds),
        isNotNull(metricDependencies.inputMetricId),
      ),
    );
}

/**
 * Serialises changes to the project's composition graph until the transaction ends, so two concurrent saves
 * cannot each add half of a cycle (or read a metric another save is deleting).
 */
export async function lockMetricGraph(db: DbOrTx, { projectId }: { projectId: string }) {
  await db.execute(sql`select pg_advisory_xact_lock(${METRIC_GRAPH_LOCK}, hashtext(${projectId}))`);
}

// Namespace of the advisory lock above (first key); the second key is the project.
const METRIC_GRAPH_LOCK = 0x5349474e;

export async function listFactTablesInProjectByIds(
  db: DbOrTx,
  { projectId, factTableIds }: { projectId: string; factTableIds: string[] },
) {
  if (factTableIds.length === 0) return [];
  return db
    .select()
    .from(factTables)
    .where(and(eq(factTables.projectId, projectId), inArray(factTables.id, factTableIds)));
}

export async function findDataSourceInProject(
  db: DbOrTx,
  { projectId, dataSourceId }: { projectId: string; dataSourceId: string },
) {
  const [row] = await db
    .select()
    .from(dataSources)
    .where(and(eq(dataSources.projectId, projectId), eq(dataSources.id, dataSourceId)))
    .limit(1);
  return row ?? null;
}

export async function isProjectMember(
  db: DbOrTx,
  { projectId, userId }: { projectId: string; userId: string },
) {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Another metric of the project already using `name`, if any. */
export async function findOtherMetricByName(
  db: DbOrTx,
  { projectId, name, exceptId }: { projectId: string; name: string; exceptId?: string },
) {
  const conditions = [eq(metrics.projectId, projectId), eq(metrics.name, name)];
  if (exceptId) conditions.push(ne(metrics.id, exceptId));
  const [row] = await db
    .select({ id: metrics.id })
    .from(metrics)
    .where(and(...conditions))
    .limit(1);
  return row ?? null;
}
