/**
 * Sends the outbox. Deliveries are claimed in short transactions (FOR UPDATE SKIP LOCKED plus a lease), so any
 * number of instances share the work and none sends a row another holds; the HTTP call happens outside any
 * transaction. Every attempt is logged in alert_delivery_attempts. Failures retry with capped exponential
 * backoff under the same `webhook-id` (the delivery key), so a receiver can drop duplicates: at least once, never
 * a second logical alert.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db, DbOrTx } from '@/db/client';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { OutboundDeps } from '@/lib/net/outbound-guard';
import { renderSlackRequest } from './channels/slack';
import { renderWebhookRequest } from './channels/webhook';
import type { AlertPayload } from './payload';
import {
  claimDueDeliveries,
  insertDeliveryAttempt,
  listAlertRulesByIds,
  updateDeliveryRow,
  type AlertDeliveryRow,
  type AlertRuleRow,
} from './queries';
import { sendWebhook, SEND_TIMEOUT_MS, type SendOutcome } from './send';
import { decryptRuleSecrets } from './target';

/** Waits after attempt 1, 2, …; the last entry repeats. About 16 hours from first try to giving up. */
export const RETRY_SCHEDULE_MS = [30_000, 120_000, 600_000, 3_600_000, 7_200_000, 14_400_000] as const;
export const MAX_ATTEMPTS = 8;
/** How long a claim holds a delivery: well past the send timeout, so a slow send is never sent twice. */
const LEASE_MS = 5 * 60_000;
const BATCH = 8;

/**
 * The wait after a failed attempt (1-based), with up to 10% jitter derived from the delivery id, so retries of
 * many deliveries spread out but one delivery's schedule is reproducible.
 */
export function retryDelayMs(attempt: number, deliveryId: string): number {
  const index = Math.min(Math.max(attempt, 1), RETRY_SCHEDULE_MS.length) - 1;
  const base: number = RETRY_SCHEDULE_MS[index] ?? 14_400_000;
  const jitter = createHash('sha256').update(`${deliveryId}:${attempt}`).digest().readUInt16BE(0) / 0xffff;
  return Math.round(base * (1 + 0.1 * jitter));
}

export type DeliverOptions = {
  now: Date;
  /** Stop claiming new deliveries after this long (wall clock); what is left waits for the next call. */
  budgetMs: number;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  outbound?: OutboundDeps;
};

/**
 * Sends the deliveries due at `now`. `delivered` counts successful sends, `failed` counts failed attempts of
 * this call (each is retried later, or marked failed after MAX_ATTEMPTS).
 */
export async function deliverDue(
  db: Db,
  { now, budgetMs, fetchImpl, timeoutMs = SEND_TIMEOUT_MS, outbound }: DeliverOptions,
): Promise<{ delivered: number; failed: number }> {
  const deadline = performance.now() + budgetMs;
  let delivered = 0;
  let failed = 0;
  while (performance.now() < deadline) {
    const claimed = await claimDueDeliveries(db, {
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      limit: BATCH,
    });
    if (claimed.length === 0) break;
    const rules = new Map(
      (await listAlertRulesByIds(db, { ruleIds: [...new Set(claimed.map((d) => d.ruleId))] })).map((r) => [
        r.id,
        r,
      ]),
    );
    const outcomes = await Promise.all(
      claimed.map(async (delivery) => {
        const rule = rules.get(delivery.ruleId);
        const outcome = rule
          ? await sendDelivery(rule, delivery, { fetchImpl, timeoutMs, outbound })
          : { ok: false as const, statusCode: null, error: 'The alert rule was deleted.', durationMs: 0 };
        await recordAttempt(db, { delivery, outcome, now, targetHost: rule?.targetHost ?? null });
        return outcome.ok;
      }),
    );
    delivered += outcomes.filter(Boolean).length;
    failed += outcomes.filter((ok) => !ok).length;
  }
  return { delivered, failed };
}

/** Renders the delivery for its rule's channel and posts it; problems before the POST are failed attempts too. */
export async function sendDelivery(
  rule: AlertRuleRow,
  delivery: Pick<AlertDeliveryRow, 'deliveryKey' | 'payload'>,
  opts: { fetchImpl?: typeof fetch; timeoutMs?: number; outbound?: OutboundDeps },
): Promise<SendOutcome> {
  try {
    const secrets = decryptRuleSecrets(rule);
    // The send time, not the tick's: receivers refuse timestamps far from their clock.
    const message = { id: delivery.deliveryKey, timestamp: Math.floor(Date.now() / 1000) };
    const payload = delivery.payload as AlertPayload;
    const request =
      rule.channel === 'slack'
        ? renderSlackRequest(payload, message)
        : renderWebhookRequest(payload, { ...message, secret: requireSigningSecret(secrets.signingSecret) });
    return await sendWebhook({ url: secrets.url, ...request }, opts);
  } catch (error) {
    if (error instanceof AppError)
      return { ok: false, statusCode: null, error: error.message, durationMs: 0 };
    throw error;
  }
}

function requireSigningSecret(secret: string | null): string {
  if (secret === null)
    throw new AppError('validation', 'This webhook rule has no signing secret; enter one on the rule.');
  return secret;
}

async function recordAttempt(
  db: DbOrTx,
  {
    delivery,
    outcome,
    now,
    targetHost,
  }: { delivery: AlertDeliveryRow; outcome: SendOutcome; now: Date; targetHost: string | null },
): Promise<void> {
  const attempt = delivery.attempts;
  const gaveUp = !outcome.ok && attempt >= MAX_ATTEMPTS;
  await db.transaction(async (tx) => {
    await insertDeliveryAttempt(tx, {
      deliveryId: delivery.id,
      attempt,
      statusCode: outcome.statusCode,
      error: outcome.ok ? null : outcome.error,
      durationMs: outcome.durationMs,
      attemptedAt: now,
    });
    await updateDeliveryRow(tx, {
      deliveryId: delivery.id,
      values: outcome.ok
        ? { status: 'delivered', deliveredAt: now, lastStatusCode: outcome.statusCode, lastError: null }
        : {
            status: gaveUp ? 'failed' : 'pending',
            nextAttemptAt: gaveUp ? now : new Date(now.getTime() + retryDelayMs(attempt, delivery.id)),
            lastStatusCode: outcome.statusCode,
            lastError: outcome.error,
          },
    });
  });
  // The host only: the URL's path is a credential.
  const fields = {
    deliveryId: delivery.id,
    ruleId: delivery.ruleId,
    event: delivery.event,
    host: targetHost,
    attempt,
    statusCode: outcome.statusCode,
    durationMs: outcome.durationMs,
  };
  if (outcome.ok) log.info('alert delivered', fields);
  else
    log.warn(gaveUp ? 'alert delivery gave up' : 'alert delivery failed', {
      ...fields,
      error: outcome.error,
    });
}
