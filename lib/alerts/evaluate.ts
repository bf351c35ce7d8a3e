/**
 * Alert evaluation, called by the collection pipeline after detection for the metrics it just wrote. Each rule is
 * evaluated in its own transaction holding the rule row lock, so concurrent ticks take turns per rule: the state
 * change and its outbox row commit together or not at all. The outbox row's delivery key is a hash of
 * (rule, event, metrics and the bucket that fired) under a unique constraint, so even a race or a replay of the
 * same data inserts nothing twice. Sending happens later, in deliverDue.
 */
import { createHash } from 'node:crypto';
import type { Db, DbOrTx } from '@/db/client';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import {
  currentStreak,
  groupIncidents,
  isInScope,
  isMuted,
  isSnoozed,
  mergeFacts,
  stepState,
  type BucketFact,
  type Transition,
} from './match';
import { describeCondition, type AlertMetricEntry, type AlertPayload } from './payload';
import {
  findProjectById,
  getAlertRuleInProject,
  insertDeliveryOnce,
  listAlertableMetrics,
  listEnabledAlertRules,
  listFactTablesOfMetrics,
  listLatestAnomalies,
  listLatestMetricValues,
  listStatesOfRule,
  upsertAlertState,
} from './queries';
import { toRuleModel, type RuleModel } from './rule-model';

type WatchedMetric = { id: string; name: string; tags: string[] };
type Project = { id: string; slug: string; name: string };

type MetricTransition = Transition & {
  metric: WatchedMetric;
  fact: BucketFact;
  /** The bucket the firing happened at: a resolution is keyed by the firing it ends. */
  firedAt: Date;
};

/**
 * Evaluates every enabled, unsnoozed, unmuted rule of the project for the given metrics at `now` and queues one
 * delivery per incident that started firing or resolved. Idempotent: the same data evaluated again queues
 * nothing. A rule that fails is logged and skipped; the others still run.
 */
export async function evaluateAlerts(
  db: Db,
  { projectId, metricIds, now }: { projectId: string; metricIds: string[]; now: Date },
): Promise<{ deliveriesQueued: number }> {
  const ids = [...new Set(metricIds)];
  if (ids.length === 0) return { deliveriesQueued: 0 };
  const rules = (await listEnabledAlertRules(db, { projectId }))
    .map(toRuleModel)
    .filter((r) => !isSnoozed(r.snoozedUntil, now) && !isMuted(r.muteWindows, now));
  if (rules.length === 0) return { deliveriesQueued: 0 };

  const watched = (await listAlertableMetrics(db, { projectId, metricIds: ids })).filter((m) =>
    rules.some((r) => isInScope(r.scope, m)),
  );
  if (watched.length === 0) return { deliveriesQueued: 0 };
  const project = await findProjectById(db, { projectId });
  if (!project) return { deliveriesQueued: 0 };

  const depth = Math.max(...rules.map((r) => r.pendingBuckets));
  const facts = await loadLatestFacts(db, { metricIds: watched.map((m) => m.id), depth, before: now });
  const factTables = new Map<string, string[]>();
  for (const dep of await listFactTablesOfMetrics(db, { metricIds: watched.map((m) => m.id) })) {
    if (dep.factTableId)
      factTables.set(dep.metricId, [...(factTables.get(dep.metricId) ?? []), dep.factTableId]);
  }

  let deliveriesQueued = 0;
  for (const rule of rules) {
    const inScope = watched.filter((m) => isInScope(rule.scope, m) && (facts.get(m.id)?.length ?? 0) > 0);
    if (inScope.length === 0) continue;
    try {
      deliveriesQueued += await db.transaction((tx) =>
        evaluateRule(tx, { ruleId: rule.id, project, metrics: inScope, facts, factTables, now }),
      );
    } catch (error) {
      log.error('alert rule evaluation failed', { projectId, ruleId: rule.id, error });
    }
  }
  return { deliveriesQueued };
}

async function loadLatestFacts(
  db: DbOrTx,
  { metricIds, depth, before }: { metricIds: string[]; depth: number; before: Date },
): Promise<Map<string, BucketFact[]>> {
  const values = await listLatestMetricValues(db, { metricIds, depth, before });
  const found = await listLatestAnomalies(db, { metricIds, depth, before, activeOnly: true });
  const facts = new Map<string, BucketFact[]>();
  for (const metricId of metricIds) {
    facts.set(
      metricId,
      mergeFacts(
        values.filter((v) => v.metricId === metricId),
        found.filter((a) => a.metricId === metricId),
      ).slice(0, depth),
    );
  }
  return facts;
}

async function evaluateRule(
  tx: DbOrTx,
  input: {
    ruleId: string;
    project: Project;
    metrics: WatchedMetric[];
    facts: Map<string, BucketFact[]>;
    factTables: Map<string, string[]>;
    now: Date;
  },
): Promise<number> {
  const { project, now } = input;
  // Re-read under the lock: the rule may have been edited, snoozed or disabled since the list was read.
  const row = await getAlertRuleInProject(tx, { projectId: project.id, ruleId: input.ruleId, lock: true });
  const rule = toRuleModel(row);
  if (!row.enabled || isSnoozed(rule.snoozedUntil, now) || isMuted(rule.muteWindows, now)) return 0;
  const metrics = input.metrics.filter((m) => isInScope(rule.scope, m));
  const states = new Map(
    (await listStatesOfRule(tx, { ruleId: rule.id, metricIds: metrics.map((m) => m.id) })).map((s) => [
      s.metricId,
      s,
    ]),
  );

  const transitions: MetricTransition[] = [];
  for (const metric of metrics) {
    const newestFirst = input.facts.get(metric.id) ?? [];
    const latest = newestFirst[0];
    if (!latest) continue;
    const before = states.get(metric.id) ?? null;
    // A slower, older evaluation must not move a state back to data it has already passed.
    if (before?.lastBucket && latest.bucketStart.getTime() < before.lastBucket.getTime()) continue;
    const streak = currentStreak(rule.condition, newestFirst, rule.pendingBuckets);
    const step = stepState(before, {
      streak,
      pendingBuckets: rule.pendingBuckets,
      latestBucket: latest.bucketStart,
    });
    if (!step) continue;
    await upsertAlertState(tx, {
      ruleId: rule.id,
      metricId: metric.id,
      state: step.state,
      pendingCount: step.pendingCount,
      since: step.since,
      lastBucket: step.lastBucket,
    });
    if (step.transition) {
      transitions.push({
        metricId: metric.id,
        event: step.transition,
        bucket: latest.bucketStart,
        factTableIds: input.factTables.get(metric.id) ?? [],
        metric,
        fact: latest,
        firedAt: step.transition === 'firing' || !before ? latest.bucketStart : before.since,
      });
    }
  }

  let queued = 0;
  for (const incident of groupIncidents(transitions)) {
    const lead = incident[0];
    if (!lead) continue;
    const inserted = await insertDeliveryOnce(tx, {
      projectId: project.id,
      ruleId: rule.id,
      metricId: lead.metricId,
      anomalyId: lead.event === 'firing' ? (lead.fact.anomaly?.id ?? null) : null,
      event: lead.event,
      deliveryKey: toDeliveryKey(rule.id, lead.event, incident),
      payload: toPayload({ project, rule, incident, now }),
      nextAttemptAt: now,
    });
    if (inserted) queued++;
  }
  return queued;
}

/** The stable `webhook-id`: the same incident always hashes to the same key, across ticks and instances. */
export function toDeliveryKey(
  ruleId: string,
  event: 'firing' | 'resolved',
  incident: readonly { metricId: string; firedAt: Date }[],
): string {
  const members = incident.map((t) => `${t.metricId}@${t.firedAt.toISOString()}`).sort();
  const digest = createHash('sha256')
    .update(JSON.stringify([ruleId, event, members]))
    .digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}

function toPayload(input: {
  project: Project;
  rule: RuleModel;
  incident: MetricTransition[];
  now: Date;
}): AlertPayload {
  const { project, rule, incident } = input;
  const lead = incident[0];
  const appUrl = env().APP_URL;
  const metrics: AlertMetricEntry[] = incident.map(({ metric, fact }) => ({
    id: metric.id,
    name: metric.name,
    url: appUrl ? new URL(`/p/${project.slug}/metrics/${metric.id}`, appUrl).toString() : null,
    bucketStart: fact.bucketStart.toISOString(),
    value: fact.value,
    anomaly: fact.anomaly
      ? {
          id: fact.anomaly.id,
          severity: fact.anomaly.severity,
          direction: fact.anomaly.direction,
          score: fact.anomaly.score,
          expected: fact.anomaly.expected,
          lower: fact.anomaly.lower,
          upper: fact.anomaly.upper,
        }
      : null,
    threshold: rule.condition.type === 'anomaly' ? null : rule.condition.threshold,
  }));
  return {
    type: lead?.event === 'resolved' ? 'alert.resolved' : 'alert.firing',
    timestamp: input.now.toISOString(),
    data: {
      project: { slug: project.slug, name: project.name },
      rule: {
        id: rule.id,
        name: rule.name,
        condition: describeCondition(rule.condition, rule.pendingBuckets),
      },
      bucketStart: lead ? lead.bucket.toISOString() : null,
      metrics,
    },
  };
}
