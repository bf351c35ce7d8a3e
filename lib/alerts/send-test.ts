/** The "Send test" verb: one test event through the real sender, logged like any delivery. */
import { randomUUID } from 'node:crypto';
import { emitAudit } from '@/lib/audit/service';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { sendDelivery } from './deliver';
import { describeCondition, type AlertPayload } from './payload';
import { findProjectById, getAlertRuleInProject, insertDelivery, insertDeliveryAttempt } from './queries';
import { toRuleModel } from './rule-model';
import { alertRuleIdInputSchema, type SendTestResult } from './schemas';
import type { AlertDeps } from './service';

type Verb = { ctx: ServiceContext; input: unknown; deps?: AlertDeps };

const resource = (id: string) => ({ type: 'alert_rule', id });

/**
 * Sends a test event through the real sender (guard, signature, timeout, no redirects) and reports what the
 * receiver answered. The attempt is logged like any delivery, under a fresh `webhook-id`.
 */
export async function sendTest({ ctx, input, deps = {} }: Verb): Promise<SendTestResult> {
  requireRole(ctx, 'editor');
  const { id } = parseInput(alertRuleIdInputSchema, input);
  const projectId = ctx.project.id;
  const rule = await getAlertRuleInProject(ctx.db, { projectId, ruleId: id });
  const project = (await findProjectById(ctx.db, { projectId })) ?? ctx.project;
  const model = toRuleModel(rule);
  const now = ctx.now();
  const payload: AlertPayload = {
    type: 'alert.test',
    timestamp: now.toISOString(),
    data: {
      project: { slug: project.slug, name: project.name },
      rule: {
        id: rule.id,
        name: rule.name,
        condition: describeCondition(model.condition, model.pendingBuckets),
      },
      bucketStart: null,
      metrics: [],
    },
  };
  const deliveryKey = `msg_test_${randomUUID().replaceAll('-', '')}`;
  const outcome = await sendDelivery(rule, { deliveryKey, payload }, deps);
  await withTransaction(ctx, async (tx) => {
    const delivery = await insertDelivery(tx.db, {
      projectId,
      ruleId: rule.id,
      event: 'test',
      deliveryKey,
      status: outcome.ok ? 'delivered' : 'failed',
      attempts: 1,
      nextAttemptAt: now,
      payload,
      lastStatusCode: outcome.statusCode,
      lastError: outcome.ok ? null : outcome.error,
      deliveredAt: outcome.ok ? now : null,
    });
    await insertDeliveryAttempt(tx.db, {
      deliveryId: delivery.id,
      attempt: 1,
      statusCode: outcome.statusCode,
      error: outcome.ok ? null : outcome.error,
      durationMs: outcome.durationMs,
      attemptedAt: now,
    });
    await emitAudit(tx, {
      action: 'alert_rule.test',
      resource: resource(rule.id),
      metadata: { ok: outcome.ok, statusCode: outcome.statusCode },
    });
  });
  return outcome.ok
    ? { ok: true, statusCode: outcome.statusCode, latencyMs: outcome.durationMs }
    : { ok: false, statusCode: outcome.statusCode, error: outcome.error, latencyMs: outcome.durationMs };
}
