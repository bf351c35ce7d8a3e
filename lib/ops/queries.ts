/**
 * The operator's figures for /api/metrics: a handful of aggregate queries across every project, each one statement
 * whatever the number of metrics. These are the only queries outside a project's scope that serve a read; the
 * endpoint is behind the operator's token, not a member's session.
 */
import 'server-only';
import { and, count, eq, gte, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertDeliveries, anomalies, collectionRuns, metrics, projects } from '@/db/schema';

export async function listProjectSlugs(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ slug: projects.slug }).from(projects).orderBy(projects.slug);
  return rows.map((r) => r.slug);
}

/** Runs kept in collection_runs by project, trigger and status, with the values they wrote. */
export async function countRunsByStatus(db: DbOrTx) {
  return db
    .select({
      project: projects.slug,
      trigger: collectionRuns.trigger,
      status: collectionRuns.status,
      runs: count(),
      valuesWritten: sql<number>`coalesce(sum(${collectionRuns.valuesWritten}), 0)::float8`,
    })
    .from(collectionRuns)
    .innerJoin(projects, eq(projects.id, collectionRuns.projectId))
    .groupBy(projects.slug, collectionRuns.trigger, collectionRuns.status);
}

export type DurationBuckets = {
  trigger: string;
  /** Cumulative counts: runs that took at most each bound, in the order of `boundsSeconds`. */
  atMost: number[];
  count: number;
  sumSeconds: number;
};

/** A duration histogram of the runs that finished since `since`, counted by the database, per trigger. */
export async function countRunDurations(
  db: DbOrTx,
  { since, boundsSeconds }: { since: Date; boundsSeconds: readonly number[] },
): Promise<DurationBuckets[]> {
  const rows = await db
    .select({
      trigger: collectionRuns.trigger,
      count: count(),
      sumSeconds: sql<number>`coalesce(sum(${collectionRuns.durationMs}), 0)::float8 / 1000`,
      // One array of counts, whatever the number of bounds: `count(*) filter (…)` per bound.
      buckets: sql<string>`json_build_array(${sql.join(
        boundsSeconds.map(
          (bound) => sql`count(*) filter (where ${collectionRuns.durationMs} <= ${Math.round(bound * 1000)})`,
        ),
        sql`, `,
      )})::text`,
    })
    .from(collectionRuns)
    .where(
      and(
        isNotNull(collectionRuns.durationMs),
        isNotNull(collectionRuns.finishedAt),
        gte(collectionRuns.finishedAt, since),
      ),
    )
    .groupBy(collectionRuns.trigger);
  return rows.map((r) => ({
    trigger: r.trigger,
    count: r.count,
    sumSeconds: Number(r.sumSeconds),
    atMost: (JSON.parse(r.buckets) as (number | string)[]).map(Number),
  }));
}

/** Every active metric with when it last collected successfully (null: never). */
export async function listActiveMetricFreshness(db: DbOrTx) {
  return db
    .select({
      project: projects.slug,
      metricId: metrics.id,
      metric: metrics.name,
      lastSuccessAt: metrics.lastSuccessAt,
    })
    .from(metrics)
    .innerJoin(projects, eq(projects.id, metrics.projectId))
    .where(eq(metrics.lifecycle, 'active'));
}

export async function countActiveAnomalies(db: DbOrTx) {
  return db
    .select({ project: projects.slug, severity: anomalies.severity, anomalies: count() })
    .from(anomalies)
    .innerJoin(projects, eq(projects.id, anomalies.projectId))
    .where(eq(anomalies.status, 'active'))
    .groupBy(projects.slug, anomalies.severity);
}

export async function countDeliveries(db: DbOrTx) {
  return db
    .select({
      project: projects.slug,
      event: alertDeliveries.event,
      outcome: alertDeliveries.status,
      deliveries: count(),
    })
    .from(alertDeliveries)
    .innerJoin(projects, eq(projects.id, alertDeliveries.projectId))
    .groupBy(projects.slug, alertDeliveries.event, alertDeliveries.status);
}
