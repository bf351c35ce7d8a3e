import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  alertDeliveries,
  alertRules,
  annotations,
  anomalies,
  metricDependencies,
  metrics,
  users,
} from '@/db/schema';
import { notFound } from '@/lib/errors';
import type { InboxQuery } from './schemas';

const SEVERITY_AT_LEAST = {
  low: ['low', 'medium', 'high'],
  medium: ['medium', 'high'],
  high: ['high'],
} as const;

/** One anomaly with what the inbox shows of its metric and of who acknowledged it. */
const inboxColumns = {
  id: anomalies.id,
  metricId: anomalies.metricId,
  metricName: metrics.name,
  interval: metrics.interval,
  format: metrics.format,
  unit: metrics.unit,
  bucketStart: anomalies.bucketStart,
  dimension: anomalies.dimension,
  dimensionValue: anomalies.dimensionValue,
  value: anomalies.value,
  expected: anomalies.expected,
  lower: anomalies.lower,
  upper: anomalies.upper,
  score: anomalies.score,
  severity: anomalies.severity,
  direction: anomalies.direction,
  status: anomalies.status,
  expectedEvent: anomalies.expectedEvent,
  note: anomalies.note,
  explanation: anomalies.explanation,
  acknowledgedAt: anomalies.acknowledgedAt,
  // A person's current name, or the label of the token that acknowledged.
  acknowledgedByName: sql<string | null>`coalesce(${users.name}, ${anomalies.acknowledgedByLabel})`,
};

export type InboxRow = Awaited<ReturnType<typeof listInboxRows>>[number];

function filtersOf(projectId: string, query: Omit<InboxQuery, 'before'>): SQL | undefined {
  return and(
    eq(anomalies.projectId, projectId),
    query.status === 'all' ? undefined : eq(anomalies.status, query.status),
    query.severity === 'low'
      ? undefined
      : inArray(anomalies.severity, [...SEVERITY_AT_LEAST[query.severity]]),
    query.metric ? eq(anomalies.metricId, query.metric) : undefined,
    query.tag ? sql`${query.tag} = any(${metrics.tags})` : undefined,
    query.scope === 'metric' ? eq(anomalies.dimension, '') : undefined,
    query.scope === 'breakdowns' ? ne(anomalies.dimension, '') : undefined,
  );
}

/**
 * One page of the inbox and the margin after it, in one statement, newest first: the anomalies matching the
 * filters before `before`, down to `marginMs` before the (limit + 1)-th of them. An incident can reach back at
 * most one bucket (a week) past its members, so with that margin the caller can tell which incidents end on
 * this page. Fewer than limit + 1 rows means there is nothing older.
 */
export async function listInboxRows(
  db: DbOrTx,
  {
    projectId,
    query,
    limit,
    marginMs,
    maxRows,
  }: { projectId: string; query: InboxQuery; limit: number; marginMs: number; maxRows: number },
) {
  const where = and(
    filtersOf(projectId, query),
    query.before ? lt(anomalies.bucketStart, new Date(query.before)) : undefined,
  );
  const boundary = db
    .select({ bucketStart: anomalies.bucketStart })
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId))
    .where(where)
    .orderBy(desc(anomalies.bucketStart), desc(anomalies.id))
    .offset(limit)
    .limit(1);
  return db
    .select(inboxColumns)
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId))
    .leftJoin(users, eq(users.id, anomalies.acknowledgedBy))
    .where(
      and(
        where,
        sql`${anomalies.bucketStart} >= coalesce((${boundary}) - ${marginMs / 1000} * interval '1 second', '-infinity'::timestamptz)`,
      ),
    )
    .orderBy(desc(anomalies.bucketStart), desc(anomalies.id))
    .limit(maxRows);
}

/**
 * Anomalies of the project with a bucket starting in [start, end), newest first: the whole-metric ones, or with
 * `series` only those of that breakdown value.
 */
export async function listAnomaliesBetween(
  db: DbOrTx,
  {
    projectId,
    start,
    end,
    series,
  }: {
    projectId: string;
    start: Date;
    end: Date;
    series?: { metricId: string; dimension: string; dimensionValue: string };
  },
) {
  return db
    .select(inboxColumns)
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId))
    .leftJoin(users, eq(users.id, anomalies.acknowledgedBy))
    .where(
      and(
        eq(anomalies.projectId, projectId),
        series
          ? and(
              eq(anomalies.metricId, series.metricId),
              eq(anomalies.dimension, series.dimension),
              eq(anomalies.dimensionValue, series.dimensionValue),
            )
          : eq(anomalies.dimension, ''),
        gte(anomalies.bucketStart, start),
        lt(anomalies.bucketStart, end),
      ),
    )
    .orderBy(desc(anomalies.bucketStart), desc(anomalies.id));
}

/** One anomaly as the inbox shows it, or NotFound for an id outside the project. */
export async function getInboxAnomalyInProject(
  db: DbOrTx,
  { projectId, anomalyId, lock = false }: { projectId: string; anomalyId: string; lock?: boolean },
) {
  const query = db
    .select(inboxColumns)
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId))
    .leftJoin(users, eq(users.id, anomalies.acknowledgedBy))
    .where(and(eq(anomalies.projectId, projectId), eq(anomalies.id, anomalyId)))
    .limit(1);
  const [row] = lock ? await query.for('update', { of: anomalies }) : await query;
  if (!row) throw notFound('Anomaly');
  return row;
}

export async function listInboxAnomaliesByIds(
  db: DbOrTx,
  { projectId, anomalyIds }: { projectId: string; anomalyIds: readonly string[] },
) {
  if (anomalyIds.length === 0) return [];
  return db
    .select(inboxColumns)
    .from(anomalies)
    .innerJoin(metrics, eq(metrics.id, anomalies.metricId))
    .leftJoin(users, eq(users.id, anomalies.acknowledgedBy))
    .where(and(eq(anomalies.projectId, projectId), inArray(anomalies.id, [...anomalyIds])))
    .orderBy(desc(anomalies.bucketStart), desc(anomalies.id));
}

/** What every metric of the project reads: fact tables and, for compositions, input metrics. */
export async function listProjectDependencies(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select({
      metricId: metricDependencies.metricId,
      factTableId: metricDependencies.factTableId,
      inputMetricId: metricDependencies.inputMetricId,
    })
    .from(metricDependencies)
    .innerJoin(metrics, eq(metrics.id, metricDependencies.metricId))
    .where(eq(metrics.projectId, projectId));
}

/** Marks the anomalies acknowledged where nobody has yet; returns the ids it changed. */
export async function setAcknowledged(
  db: DbOrTx,
  {
    projectId,
    anomalyIds,
    userId,
    label,
    at,
  }: {
    projectId: string;
    anomalyIds: readonly string[];
    userId: string | null;
    label: string | null;
    at: Date;
  },
) {
  if (anomalyIds.length === 0) return [];
  return db
    .update(anomalies)
    .set({ acknowledgedBy: userId, acknowledgedByLabel: label, acknowledgedAt: at, updatedAt: at })
    .where(
      and(
        eq(anomalies.projectId, projectId),
        inArray(anomalies.id, [...anomalyIds]),
        isNull(anomalies.acknowledgedAt),
      ),
    )
    .returning({ id: anomalies.id });
}

/** Sets or clears the "expected event" mark and its note where it differs; returns the ids it changed. */
export async function setExpectedEvent(
  db: DbOrTx,
  {
    projectId,
    anomalyIds,
    expected,
    note,
    at,
  }: { projectId: string; anomalyIds: readonly string[]; expected: boolean; note: string | null; at: Date },
) {
  if (anomalyIds.length === 0) return [];
  return db
    .update(anomalies)
    .set({ expectedEvent: expected, note, updatedAt: at })
    .where(
      and(
        eq(anomalies.projectId, projectId),
        inArray(anomalies.id, [...anomalyIds]),
        eq(anomalies.expectedEvent, !expected),
      ),
    )
    .returning({ id: anomalies.id });
}

export type AnnotationWrite = {
  metricId: string;
  startsAt: Date;
  endsAt: Date;
  note: string;
};

export async function insertAnnotations(
  db: DbOrTx,
  {
    projectId,
    rows,
    createdBy,
  }: { projectId: string; rows: readonly AnnotationWrite[]; createdBy: string | null },
) {
  if (rows.length === 0) return [];
  return db
    .insert(annotations)
    .values(rows.map((r) => ({ ...r, projectId, createdBy })))
    .returning({ id: annotations.id });
}

/** Removes the annotations that marking these buckets expected wrote: same metric, span and note. */
export async function deleteAnnotationsExactly(
  db: DbOrTx,
  { projectId, rows }: { projectId: string; rows: readonly AnnotationWrite[] },
) {
  if (rows.length === 0) return [];
  return db
    .delete(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        or(
          ...rows.map((r) =>
            and(
              eq(annotations.metricId, r.metricId),
              eq(annotations.startsAt, r.startsAt),
              eq(annotations.endsAt, r.endsAt),
              eq(annotations.note, r.note),
            ),
          ),
        ),
      ),
    )
    .returning({ id: annotations.id });
}

const deliveryColumns = {
  id: alertDeliveries.id,
  ruleId: alertDeliveries.ruleId,
  ruleName: alertRules.name,
  event: alertDeliveries.event,
  status: alertDeliveries.status,
  attempts: alertDeliveries.attempts,
  createdAt: alertDeliveries.createdAt,
  deliveredAt: alertDeliveries.deliveredAt,
};

/**
 * The notifications an anomaly set off: those that name it (as their lead, or among the metrics of an incident
 * notification), oldest first.
 */
export async function listFiringDeliveriesOfAnomaly(
  db: DbOrTx,
  { projectId, anomalyId }: { projectId: string; anomalyId: string },
) {
  const names = { data: { metrics: [{ anomaly: { id: anomalyId } }] } };
  return db
    .select(deliveryColumns)
    .from(alertDeliveries)
    .innerJoin(alertRules, eq(alertRules.id, alertDeliveries.ruleId))
    .where(
      and(
        eq(alertDeliveries.projectId, projectId),
        or(
          eq(alertDeliveries.anomalyId, anomalyId),
          sql`${alertDeliveries.payload} @> ${JSON.stringify(names)}::jsonb`,
        ),
      ),
    )
    .orderBy(asc(alertDeliveries.createdAt), asc(alertDeliveries.id));
}

/** "Resolved" notifications of these rules that list the metric, queued at or after `since`, oldest first. */
export async function listResolutionsOfMetric(
  db: DbOrTx,
  {
    projectId,
    ruleIds,
    metricId,
    since,
  }: { projectId: string; ruleIds: readonly string[]; metricId: string; since: Date },
) {
  if (ruleIds.length === 0) return [];
  const names = { data: { metrics: [{ id: metricId }] } };
  return db
    .select(deliveryColumns)
    .from(alertDeliveries)
    .innerJoin(alertRules, eq(alertRules.id, alertDeliveries.ruleId))
    .where(
      and(
        eq(alertDeliveries.projectId, projectId),
        inArray(alertDeliveries.ruleId, [...ruleIds]),
        eq(alertDeliveries.event, 'resolved'),
        gte(alertDeliveries.createdAt, since),
        sql`${alertDeliveries.payload} @> ${JSON.stringify(names)}::jsonb`,
      ),
    )
    .orderBy(asc(alertDeliveries.createdAt), asc(alertDeliveries.id));
}
