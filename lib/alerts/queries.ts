import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  alertDeliveries,
  alertDeliveryAttempts,
  alertRules,
  alertStates,
  anomalies,
  metricDependencies,
  metricValues,
  metrics,
  projects,
} from '@/db/schema';
import { notFound } from '@/lib/errors';

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type NewAlertRuleRow = typeof alertRules.$inferInsert;
export type AlertStateRow = typeof alertStates.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;

// Rules

export async function insertAlertRule(db: DbOrTx, values: NewAlertRuleRow) {
  const [row] = await db.insert(alertRules).values(values).returning();
  if (!row) throw new Error('insert into alert_rules returned no row');
  return row;
}

export async function getAlertRuleInProject(
  db: DbOrTx,
  { projectId, ruleId, lock = false }: { projectId: string; ruleId: string; lock?: boolean },
) {
  const query = db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Alert rule');
  return row;
}

export async function listAlertRulesInProject(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select()
    .from(alertRules)
    .where(eq(alertRules.projectId, projectId))
    .orderBy(asc(alertRules.name), asc(alertRules.id));
}

export async function listEnabledAlertRules(db: DbOrTx, { projectId }: { projectId: string }) {
  return db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.enabled, true)))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
}

export async function listAlertRulesByIds(db: DbOrTx, { ruleIds }: { ruleIds: string[] }) {
  if (ruleIds.length === 0) return [];
  return db.select().from(alertRules).where(inArray(alertRules.id, ruleIds));
}

export async function updateAlertRuleRow(
  db: DbOrTx,
  {
    projectId,
    ruleId,
    values,
  }: {
    projectId: string;
    ruleId: string;
    values: Omit<Partial<NewAlertRuleRow>, 'id' | 'projectId' | 'createdAt' | 'createdBy'>;
  },
) {
  const [row] = await db
    .update(alertRules)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
    .returning();
  if (!row) throw notFound('Alert rule');
  return row;
}

export async function deleteAlertRuleRow(
  db: DbOrTx,
  { projectId, ruleId }: { projectId: string; ruleId: string },
) {
  await db.delete(alertRules).where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)));
}

// States

export async function listStatesOfRules(db: DbOrTx, { ruleIds }: { ruleIds: string[] }) {
  if (ruleIds.length === 0) return [];
  return db
    .select({
      ruleId: alertStates.ruleId,
      metricId: alertStates.metricId,
      metricName: metrics.name,
      state: alertStates.state,
      since: alertStates.since,
    })
    .from(alertStates)
    .innerJoin(metrics, eq(metrics.id, alertStates.metricId))
    .where(and(inArray(alertStates.ruleId, ruleIds), ne(alertStates.state, 'resolved')))
    .orderBy(asc(metrics.name));
}

export async function listStatesOfRule(
  db: DbOrTx,
  { ruleId, metricIds }: { ruleId: string; metricIds: string[] },
) {
  if (metricIds.length === 0) return [];
  return db
    .select()
    .from(alertStates)
    .where(and(eq(alertStates.ruleId, ruleId), inArray(alertStates.metricId, metricIds)));
}

export async function upsertAlertState(db: DbOrTx, values: typeof alertStates.$inferInsert) {
  await db
    .insert(alertStates)
    .values(values)
    .onConflictDoUpdate({
      target: [alertStates.ruleId, alertStates.metricId],
      set: {
        state: values.state,
        pendingCount: values.pendingCount,
        lastBucket: values.lastBucket,
        since: values.since,
        updatedAt: sql`now()`,
      },
    });
}

// Deliveries

/** Inserts the outbox row unless one with the same delivery key exists; true when it was inserted. */
export async function insertDeliveryOnce(db: DbOrTx, values: typeof alertDeliveries.$inferInsert) {
  const rows = await db
    .insert(alertDeliveries)
    .values(values)
    .onConflictDoNothing({ target: alertDeliveries.deliveryKey })
    .returning({ id: alertDeliveries.id });
  return rows.length > 0;
}

export async function insertDelivery(db: DbOrTx, values: typeof alertDeliveries.$inferInsert) {
  const [row] = await db.insert(alertDeliveries).values(values).returning();
  if (!row) throw new Error('insert into alert_deliveries returned no row');
  return row;
}

/**
 * Claims due deliveries for one worker: rows locked with SKIP LOCKED so parallel workers take different ones,
 * then leased by pushing next_attempt_at out and counting the attempt, so the claim outlives this short
 * transaction. A delivery waits while an older one for the same rule and metric is still pending, so a
 * receiver never hears "resolved" before "firing".
 */
export async function claimDueDeliveries(
  db: DbOrTx,
  { now, leaseUntil, limit }: { now: Date; leaseUntil: Date; limit: number },
) {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: alertDeliveries.id })
      .from(alertDeliveries)
      .where(
        and(
          eq(alertDeliveries.status, 'pending'),
          lte(alertDeliveries.nextAttemptAt, now),
          sql`not exists (select 1 from alert_deliveries as earlier
            where earlier.rule_id = ${alertDeliveries.ruleId}
              and earlier.metric_id is not distinct from ${alertDeliveries.metricId}
              and earlier.status = 'pending' and earlier.created_at < ${alertDeliveries.createdAt})`,
        ),
      )
      .orderBy(asc(alertDeliveries.nextAttemptAt), asc(alertDeliveries.createdAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(alertDeliveries)
      .set({ attempts: sql`${alertDeliveries.attempts} + 1`, nextAttemptAt: leaseUntil })
      .where(
        inArray(
          alertDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

export async function insertDeliveryAttempt(db: DbOrTx, values: typeof alertDeliveryAttempts.$inferInsert) {
  await db.insert(alertDeliveryAttempts).values(values);
}

export async function updateDeliveryRow(
  db: DbOrTx,
  {
    deliveryId,
    values,
  }: {
    deliveryId: string;
    values: Pick<
      Partial<typeof alertDeliveries.$inferInsert>,
      'status' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt'
    >;
  },
) {
  await db.update(alertDeliveries).set(values).where(eq(alertDeliveries.id, deliveryId));
}

export async function listRecentDeliveries(
  db: DbOrTx,
  { projectId, limit }: { projectId: string; limit: number },
) {
  return db
    .select({
      id: alertDeliveries.id,
      ruleId: alertDeliveries.ruleId,
      ruleName: alertRules.name,
      event: alertDeliveries.event,
      status: alertDeliveries.status,
      attempts: alertDeliveries.attempts,
      payload: alertDeliveries.payload,
      lastStatusCode: alertDeliveries.lastStatusCode,
      lastError: alertDeliveries.lastError,
      createdAt: alertDeliveries.createdAt,
      deliveredAt: alertDeliveries.deliveredAt,
      nextAttemptAt: alertDeliveries.nextAttemptAt,
    })
    .from(alertDeliveries)
    .innerJoin(alertRules, eq(alertRules.id, alertDeliveries.ruleId))
    .where(eq(alertDeliveries.projectId, projectId))
    .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
    .limit(limit);
}

// What evaluation reads

export async function findProjectById(db: DbOrTx, { projectId }: { projectId: string }) {
  const [row] = await db
    .select({ id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  return row ?? null;
}

/** Metrics alerts may watch: not archived. Without ids, every such metric of the project. */
export async function listAlertableMetrics(
  db: DbOrTx,
  { projectId, metricIds }: { projectId: string; metricIds?: string[] },
) {
  if (metricIds?.length === 0) return [];
  return db
    .select({ id: metrics.id, name: metrics.name, tags: metrics.tags })
    .from(metrics)
    .where(
      and(
        eq(metrics.projectId, projectId),
        ne(metrics.lifecycle, 'archived'),
        metricIds ? inArray(metrics.id, metricIds) : undefined,
      ),
    )
    .orderBy(asc(metrics.name), asc(metrics.id));
}

export async function listMetricIdsInProject(
  db: DbOrTx,
  { projectId, metricIds }: { projectId: string; metricIds: string[] },
) {
  if (metricIds.length === 0) return [];
  const rows = await db
    .select({ id: metrics.id })
    .from(metrics)
    .where(and(eq(metrics.projectId, projectId), inArray(metrics.id, metricIds)));
  return rows.map((r) => r.id);
}

export async function listFactTablesOfMetrics(db: DbOrTx, { metricIds }: { metricIds: string[] }) {
  if (metricIds.length === 0) return [];
  return db
    .select({ metricId: metricDependencies.metricId, factTableId: metricDependencies.factTableId })
    .from(metricDependencies)
    .where(and(inArray(metricDependencies.metricId, metricIds), isNotNull(metricDependencies.factTableId)));
}

/**
 * The latest `depth` stored values of each metric, of buckets that started before `before`. A lateral join walks
 * the (metric, bucket) primary key backwards per metric, so the cost does not grow with the history.
 */
export async function listLatestMetricValues(
  db: DbOrTx,
  { metricIds, depth, before }: { metricIds: string[]; depth: number; before: Date },
) {
  if (metricIds.length === 0) return [];
  const latest = db
    .select({ bucketStart: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(and(eq(metricValues.metricId, metrics.id), lt(metricValues.bucketStart, before)))
    .orderBy(desc(metricValues.bucketStart))
    .limit(depth)
    .as('latest');
  return db
    .select({ metricId: metrics.id, bucketStart: latest.bucketStart, value: latest.value })
    .from(metrics)
    .innerJoinLateral(latest, sql`true`)
    .where(inArray(metrics.id, metricIds));
}

const anomalyFields = {
  id: anomalies.id,
  metricId: anomalies.metricId,
  bucketStart: anomalies.bucketStart,
  value: anomalies.value,
  expected: anomalies.expected,
  lower: anomalies.lower,
  upper: anomalies.upper,
  score: anomalies.score,
  severity: anomalies.severity,
  direction: anomalies.direction,
};

/**
 * The latest `depth` whole-metric anomalies of each metric (dimension ''), leaving out those marked as expected
 * events; with `activeOnly`, only active ones (live evaluation; the preview replays resolved ones too).
 */
export async function listLatestAnomalies(
  db: DbOrTx,
  {
    metricIds,
    depth,
    before,
    activeOnly,
  }: { metricIds: string[]; depth: number; before: Date; activeOnly: boolean },
) {
  if (metricIds.length === 0) return [];
  const latest = db
    .select(anomalyFields)
    .from(anomalies)
    .where(
      and(
        eq(anomalies.metricId, metrics.id),
        eq(anomalies.dimension, ''),
        eq(anomalies.dimensionValue, ''),
        eq(anomalies.expectedEvent, false),
        activeOnly ? eq(anomalies.status, 'active') : undefined,
        lt(anomalies.bucketStart, before),
      ),
    )
    .orderBy(desc(anomalies.bucketStart))
    .limit(depth)
    .as('latest_anomalies');
  return db
    .select({
      id: latest.id,
      metricId: latest.metricId,
      bucketStart: latest.bucketStart,
      value: latest.value,
      expected: latest.expected,
      lower: latest.lower,
      upper: latest.upper,
      score: latest.score,
      severity: latest.severity,
      direction: latest.direction,
    })
    .from(metrics)
    .innerJoinLateral(latest, sql`true`)
    .where(inArray(metrics.id, metricIds));
}

export async function listMetricValuesInWindow(
  db: DbOrTx,
  { metricIds, start, end }: { metricIds: string[]; start: Date; end: Date },
) {
  if (metricIds.length === 0) return [];
  return db
    .select({
      metricId: metricValues.metricId,
      bucketStart: metricValues.bucketStart,
      value: metricValues.value,
    })
    .from(metricValues)
    .where(
      and(
        inArray(metricValues.metricId, metricIds),
        gte(metricValues.bucketStart, start),
        lt(metricValues.bucketStart, end),
      ),
    );
}

export async function listAnomaliesInWindow(
  db: DbOrTx,
  { metricIds, start, end }: { metricIds: string[]; start: Date; end: Date },
) {
  if (metricIds.length === 0) return [];
  return db
    .select(anomalyFields)
    .from(anomalies)
    .where(
      and(
        inArray(anomalies.metricId, metricIds),
        eq(anomalies.dimension, ''),
        eq(anomalies.dimensionValue, ''),
        eq(anomalies.expectedEvent, false),
        gte(anomalies.bucketStart, start),
        lt(anomalies.bucketStart, end),
      ),
    );
}
