/**
 * Evaluation and delivery end to end against a real HTTP receiver on loopback: fire once and resolve once,
 * retries under one webhook-id, no duplicates on re-evaluation, snooze and mute, pending buckets, incidents,
 * signatures, Slack bodies, hanging receivers and redirects. This file has its own database: deliverDue sends
 * every due delivery, and must not see another file's.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { alertDeliveries, alertDeliveryAttempts, alertStates } from '@/db/schema';
import { deliverDue, MAX_ATTEMPTS } from '@/lib/alerts/deliver';
import { evaluateAlerts } from '@/lib/alerts/evaluate';
import type { AlertPayload } from '@/lib/alerts/payload';
import { createAlertRule, snoozeAlertRule } from '@/lib/alerts/service';
import { verifyWebhook } from '@/lib/alerts/signature';
import { reloadEnv } from '@/lib/env';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import {
  createTestProject,
  openIsolatedTestDb,
  uniqueSuffix,
  type TestProjectFixture,
} from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';
import {
  bucketBefore,
  HOUR,
  plantAnomaly,
  plantHistory,
  plantValues,
  SECRET_PATH,
  SIGNING_SECRET,
  tickNow,
  webhookRuleInput,
} from './fixtures';
import { startReceiver, type Receiver } from './receiver';

let handle: DbHandle;
let fixture: TestProjectFixture;
let receiver: Receiver;
const previousAllowed = process.env.ALLOWED_OUTBOUND_HOSTS;

beforeAll(async () => {
  process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
  reloadEnv();
  handle = await openIsolatedTestDb();
  fixture = await createTestProject(handle.db, 'Alerts');
  receiver = await startReceiver();
});

afterEach(async () => {
  receiver.received.length = 0;
  receiver.answer = () => 200;
  // Leftovers of one test must not be sent by the next one's deliverDue.
  await handle.db.delete(alertDeliveries).where(eq(alertDeliveries.status, 'pending'));
});

afterAll(async () => {
  await receiver?.close();
  await handle?.close();
  if (previousAllowed === undefined) delete process.env.ALLOWED_OUTBOUND_HOSTS;
  else process.env.ALLOWED_OUTBOUND_HOSTS = previousAllowed;
  reloadEnv();
});

const projectId = () => fixture.project.id;
const editor = () => fixture.ctx('editor');
const hookUrl = () => `${receiver.origin}${SECRET_PATH}`;

async function newMetric() {
  const { metric } = await createCountMetric(handle.db, projectId());
  return metric;
}

async function newRule(overrides: Record<string, unknown> & { metricIds: string[] }) {
  return createAlertRule({ ctx: editor(), input: webhookRuleInput(hookUrl(), overrides) });
}

const evaluate = (metricIds: string[], now: Date) =>
  evaluateAlerts(handle.db, { projectId: projectId(), metricIds, now });
const deliver = (now: Date, opts: { timeoutMs?: number } = {}) =>
  deliverDue(handle.db, { now, budgetMs: 10_000, ...opts });

const bodyOf = (i: number) => JSON.parse(receiver.received[i]?.body ?? 'null') as AlertPayload;

async function stateOf(ruleId: string, metricId: string) {
  const rows = await handle.db.select().from(alertStates).where(eq(alertStates.ruleId, ruleId));
  return rows.find((r) => r.metricId === metricId) ?? null;
}

describe('an anomaly rule', () => {
  it('delivers a planted anomaly exactly once and its resolution exactly once, signed', async () => {
    const metric = await newMetric();
    const rule = await newRule({ metricIds: [metric.id] });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantValues(handle.db, metric.id, [{ at: bucketBefore(now, 0), value: 240 }]);
    const anomaly = await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 240,
    });

    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 1 });
    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 0 });
    expect(await deliver(now)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliver(now)).toEqual({ delivered: 0, failed: 0 });

    expect(receiver.received).toHaveLength(1);
    const firing = receiver.received[0]!;
    expect(firing.path).toBe(SECRET_PATH);
    expect(firing.headers['content-type']).toBe('application/json');
    const payload = bodyOf(0);
    expect(payload.type).toBe('alert.firing');
    expect(payload.data.rule).toMatchObject({ id: rule.id, name: 'Orders watch' });
    expect(payload.data.metrics).toEqual([
      expect.objectContaining({
        id: metric.id,
        name: metric.name,
        value: 240,
        anomaly: expect.objectContaining({ id: anomaly.id, severity: 'high' }),
      }),
    ]);
    expect(
      verifyWebhook({
        id: String(firing.headers['webhook-id']),
        timestamp: String(firing.headers['webhook-timestamp']),
        signature: String(firing.headers['webhook-signature']),
        body: firing.body,
        secret: SIGNING_SECRET,
      }),
    ).toBe(true);
    // A tampered body or another secret does not verify.
    const tampered = {
      id: String(firing.headers['webhook-id']),
      timestamp: String(firing.headers['webhook-timestamp']),
      signature: String(firing.headers['webhook-signature']),
    };
    expect(
      verifyWebhook({ ...tampered, body: firing.body.replace('240', '241'), secret: SIGNING_SECRET }),
    ).toBe(false);
    expect(
      verifyWebhook({
        ...tampered,
        body: firing.body,
        secret: 'whsec_c29tZW90aGVyc2VjcmV0c29tZW90aGVyc2VjcmV0',
      }),
    ).toBe(false);
    expect((await stateOf(rule.id, metric.id))?.state).toBe('firing');

    // The next bucket is normal again: one resolution, however often evaluation runs.
    const later = new Date(now.getTime() + HOUR);
    await plantValues(handle.db, metric.id, [{ at: bucketBefore(later, 0), value: 101 }]);
    expect(await evaluate([metric.id], later)).toEqual({ deliveriesQueued: 1 });
    expect(await evaluate([metric.id], later)).toEqual({ deliveriesQueued: 0 });
    expect(await deliver(later)).toEqual({ delivered: 1, failed: 0 });
    expect(await evaluate([metric.id], new Date(later.getTime() + 60_000))).toEqual({ deliveriesQueued: 0 });
    expect(await deliver(later)).toEqual({ delivered: 0, failed: 0 });

    expect(receiver.received).toHaveLength(2);
    expect(bodyOf(1).type).toBe('alert.resolved');
    expect(receiver.received[1]!.headers['webhook-id']).not.toBe(firing.headers['webhook-id']);
    expect((await stateOf(rule.id, metric.id))?.state).toBe('resolved');
  });

  it('ignores anomalies below its minimum severity or in the other direction', async () => {
    const metric = await newMetric();
    await newRule({
      metricIds: [metric.id],
      condition: { type: 'anomaly', minSeverity: 'high', direction: 'down' },
    });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 300,
      direction: 'up',
    });
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 1),
      value: 40,
      direction: 'down',
      severity: 'medium',
    });
    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 0 });
  });

  it('sends nothing while snoozed, and fires once the snooze is over', async () => {
    const metric = await newMetric();
    const rule = await newRule({ metricIds: [metric.id] });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 250,
    });
    await snoozeAlertRule({
      ctx: editor(),
      input: { id: rule.id, until: new Date(now.getTime() + 2 * HOUR).toISOString() },
    });

    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 0 });
    expect(await deliver(now)).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
    expect(await stateOf(rule.id, metric.id)).toBeNull();

    const after = new Date(now.getTime() + 2 * HOUR + 60_000);
    await plantValues(handle.db, metric.id, [
      { at: bucketBefore(after, 1), value: 260 },
      { at: bucketBefore(after, 0), value: 270 },
    ]);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(after, 0),
      value: 270,
    });
    expect(await evaluate([metric.id], after)).toEqual({ deliveriesQueued: 1 });
  });

  it('sends nothing inside a mute window', async () => {
    const metric = await newMetric();
    const now = tickNow();
    const rule = await newRule({
      metricIds: [metric.id],
      muteWindows: [
        {
          startsAt: new Date(now.getTime() - HOUR).toISOString(),
          endsAt: new Date(now.getTime() + HOUR).toISOString(),
        },
      ],
    });
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 250,
    });
    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 0 });
    expect(await deliver(now)).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
    expect(await stateOf(rule.id, metric.id)).toBeNull();
  });

  it('sends one notification for anomalies of metrics reading the same fact table in the same bucket', async () => {
    const { metric: first, factTable } = await createCountMetric(handle.db, projectId());
    const input = metricInputSchema.parse({
      name: `Orders again ${uniqueSuffix()}`,
      interval: 'hour',
      lifecycle: 'active',
      definition: {
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: factTable.id, aggregation: 'count' },
      },
    });
    const second = await insertMetric(handle.db, {
      ...input,
      projectId: projectId(),
      kind: 'fact',
      valueKind: 'count',
      dependencies: [{ factTableId: factTable.id }],
    });
    const unrelated = await newMetric();
    const metricIds = [first.id, second.id, unrelated.id];
    await newRule({ metricIds });
    const now = tickNow();
    for (const id of metricIds) {
      await plantHistory(handle.db, id, now);
      await plantAnomaly(handle.db, {
        projectId: projectId(),
        metricId: id,
        at: bucketBefore(now, 0),
        value: 10,
        direction: 'down',
      });
    }

    expect(await evaluate(metricIds, now)).toEqual({ deliveriesQueued: 2 });
    expect(await deliver(now)).toEqual({ delivered: 2, failed: 0 });
    const listed = receiver.received.map((r) =>
      (JSON.parse(r.body) as AlertPayload).data.metrics.map((m) => m.id).sort(),
    );
    expect(listed).toEqual(expect.arrayContaining([[first.id, second.id].sort(), [unrelated.id]]));
  });
});

describe('concurrency', () => {
  it('queues one delivery when two evaluations of the same data race, and sends it once from two workers', async () => {
    const metric = await newMetric();
    await newRule({ metricIds: [metric.id] });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 250,
    });
    const evaluations = await Promise.all([evaluate([metric.id], now), evaluate([metric.id], now)]);
    expect(evaluations.reduce((sum, r) => sum + r.deliveriesQueued, 0)).toBe(1);
    const workers = await Promise.all([deliver(now), deliver(now)]);
    expect(workers.reduce((sum, r) => sum + r.delivered, 0)).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('a threshold rule', () => {
  it('with pendingBuckets 3 fires only on the third bucket in a row', async () => {
    const metric = await newMetric();
    const rule = await newRule({
      metricIds: [metric.id],
      condition: { type: 'above', threshold: 150 },
      pendingBuckets: 3,
    });
    const start = tickNow();
    await plantValues(handle.db, metric.id, [{ at: bucketBefore(start, 1), value: 100 }]);
    const states: (string | undefined)[] = [];
    const queued: number[] = [];
    for (let i = 0; i < 4; i++) {
      const now = new Date(start.getTime() + i * HOUR);
      await plantValues(handle.db, metric.id, [{ at: bucketBefore(now, 0), value: 200 + i }]);
      queued.push((await evaluate([metric.id], now)).deliveriesQueued);
      states.push((await stateOf(rule.id, metric.id))?.state);
    }
    expect(queued).toEqual([0, 0, 1, 0]);
    expect(states).toEqual(['pending', 'pending', 'firing', 'firing']);
    const third = new Date(start.getTime() + 2 * HOUR);
    expect(await deliver(new Date(start.getTime() + 3 * HOUR))).toEqual({ delivered: 1, failed: 0 });
    expect(bodyOf(0).data.bucketStart).toBe(bucketBefore(third, 0).toISOString());
    expect(bodyOf(0).data.metrics[0]).toMatchObject({ value: 202, threshold: 150 });
  });

  it('a dip before the third bucket starts the count again', async () => {
    const metric = await newMetric();
    await newRule({ metricIds: [metric.id], condition: { type: 'below', threshold: 10 }, pendingBuckets: 3 });
    const start = tickNow();
    const values = [5, 5, 50, 5, 5];
    const queued: number[] = [];
    for (const [i, value] of values.entries()) {
      const now = new Date(start.getTime() + i * HOUR);
      await plantValues(handle.db, metric.id, [{ at: bucketBefore(now, 0), value }]);
      queued.push((await evaluate([metric.id], now)).deliveriesQueued);
    }
    expect(queued).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('delivery', () => {
  async function queueOne() {
    const metric = await newMetric();
    const rule = await newRule({ metricIds: [metric.id] });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 250,
    });
    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 1 });
    const [delivery] = await handle.db
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.ruleId, rule.id));
    if (!delivery) throw new Error('nothing queued');
    return { rule, delivery, now };
  }

  async function attemptsOf(deliveryId: string) {
    return handle.db
      .select()
      .from(alertDeliveryAttempts)
      .where(eq(alertDeliveryAttempts.deliveryId, deliveryId))
      .orderBy(asc(alertDeliveryAttempts.attempt));
  }

  it('retries a receiver answering 500 twice, then 200, under the same webhook-id', async () => {
    receiver.answer = (n) => (n < 2 ? 500 : 200);
    const { delivery, now } = await queueOne();
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

    expect(await deliver(at(0))).toEqual({ delivered: 0, failed: 1 });
    expect(await deliver(at(10))).toEqual({ delivered: 0, failed: 0 });
    expect(await deliver(at(60))).toEqual({ delivered: 0, failed: 1 });
    expect(await deliver(at(120))).toEqual({ delivered: 0, failed: 0 });
    expect(await deliver(at(600))).toEqual({ delivered: 1, failed: 0 });
    expect(await deliver(at(7200))).toEqual({ delivered: 0, failed: 0 });

    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([delivery.deliveryKey, delivery.deliveryKey, delivery.deliveryKey]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    const [row] = await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.id, delivery.id));
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    receiver.answer = () => 503;
    const { delivery, now } = await queueOne();
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await deliver(new Date(now.getTime() + i * 24 * HOUR));
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    const [row] = await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.id, delivery.id));
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastStatusCode: 503 });
  });

  it('times out a hanging receiver without blocking, and retries it later', async () => {
    receiver.answer = (n) => (n === 0 ? 'hang' : 200);
    const { delivery, now } = await queueOne();
    const started = Date.now();
    expect(await deliver(now, { timeoutMs: 300 })).toEqual({ delivered: 0, failed: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [first] = await attemptsOf(delivery.id);
    expect(first?.error).toMatch(/did not answer within 300 ms/);
    expect(first?.statusCode).toBeNull();

    expect(await deliver(new Date(now.getTime() + HOUR), { timeoutMs: 300 })).toEqual({
      delivered: 1,
      failed: 0,
    });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      delivery.deliveryKey,
      delivery.deliveryKey,
    ]);
  });

  it('never follows a redirect', async () => {
    const elsewhere = await startReceiver();
    try {
      receiver.answer = () => ({ redirect: `${elsewhere.origin}/internal` });
      const { delivery, now } = await queueOne();
      expect(await deliver(now)).toEqual({ delivered: 0, failed: 1 });
      expect(elsewhere.received).toHaveLength(0);
      const [attempt] = await attemptsOf(delivery.id);
      expect(attempt).toMatchObject({ statusCode: 302 });
      expect(attempt?.error).toMatch(/redirect/);
    } finally {
      await elsewhere.close();
    }
  });

  it('checks the target again at send time and never logs the secret path', async () => {
    const { delivery, now } = await queueOne();
    const errors: string[] = [];
    const result = await deliverDue(handle.db, { now, budgetMs: 10_000, outbound: { allowedHosts: '' } });
    expect(result).toEqual({ delivered: 0, failed: 1 });
    expect(receiver.received).toHaveLength(0);
    const attempts = await attemptsOf(delivery.id);
    errors.push(...attempts.map((a) => a.error ?? ''));
    expect(errors[0]).toMatch(/loopback|https/);
    const [row] = await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.id, delivery.id));
    expect(JSON.stringify([row, attempts])).not.toContain('SENTINEL');
  });

  it('sends a Slack-compatible body to a Slack rule, unsigned', async () => {
    const metric = await newMetric();
    await createAlertRule({
      ctx: editor(),
      input: {
        ...webhookRuleInput(hookUrl(), { metricIds: [metric.id] }),
        channel: { type: 'slack', url: hookUrl() },
      },
    });
    const now = tickNow();
    await plantHistory(handle.db, metric.id, now);
    await plantAnomaly(handle.db, {
      projectId: projectId(),
      metricId: metric.id,
      at: bucketBefore(now, 0),
      value: 250,
    });
    expect(await evaluate([metric.id], now)).toEqual({ deliveriesQueued: 1 });
    expect(await deliver(now)).toEqual({ delivered: 1, failed: 0 });

    const [request] = receiver.received;
    const body = JSON.parse(request?.body ?? '{}') as {
      text?: unknown;
      blocks?: { type: string; text: { type: string; text: string } }[];
    };
    expect(typeof body.text).toBe('string');
    expect(body.text).toContain('Firing');
    expect(body.text).toContain(metric.name);
    expect(body.blocks?.[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(request?.headers['webhook-signature']).toBeUndefined();
    expect(request?.headers['webhook-id']).toMatch(/^msg_/);
  });
});
