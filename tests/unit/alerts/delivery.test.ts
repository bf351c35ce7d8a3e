/** Signatures, retry schedule and channel bodies: the parts of delivery that need no network. */
import { describe, expect, it } from 'vitest';
import { renderSlackRequest } from '@/lib/alerts/channels/slack';
import { renderWebhookRequest } from '@/lib/alerts/channels/webhook';
import { MAX_ATTEMPTS, retryDelayMs, RETRY_SCHEDULE_MS } from '@/lib/alerts/deliver';
import { toDeliveryKey } from '@/lib/alerts/evaluate';
import type { AlertPayload } from '@/lib/alerts/payload';
import { signWebhook, signingKey, verifyWebhook } from '@/lib/alerts/signature';

const payload: AlertPayload = {
  type: 'alert.firing',
  timestamp: '2026-03-01T10:05:00.000Z',
  data: {
    project: { slug: 'acme', name: 'Acme <Corp>' },
    rule: {
      id: 'r1',
      name: 'Revenue & orders',
      condition: 'an anomaly of medium severity or more, up or down',
    },
    bucketStart: '2026-03-01T09:00:00.000Z',
    metrics: [
      {
        id: 'm1',
        name: 'Orders <b>',
        url: 'https://sightline.example/p/acme/metrics/m1',
        bucketStart: '2026-03-01T09:00:00.000Z',
        value: 240,
        anomaly: {
          id: 'a1',
          severity: 'high',
          direction: 'up',
          score: 0.97,
          expected: 100,
          lower: 80,
          upper: 120,
        },
        threshold: null,
      },
    ],
  },
};

describe('Standard Webhooks signatures', () => {
  // The example of the Standard Webhooks specification.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('matches the specification example', () => {
    expect(signWebhook({ id, timestamp, body, secret })).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies within the tolerance and refuses tampering, other secrets and old timestamps', () => {
    const signature = signWebhook({ id, timestamp, body, secret });
    const now = new Date(timestamp * 1000 + 60_000);
    const base = { id, timestamp: String(timestamp), signature, body, secret, now };
    expect(verifyWebhook(base)).toBe(true);
    expect(verifyWebhook({ ...base, signature: `v1,bogus ${signature}` })).toBe(true);
    expect(verifyWebhook({ ...base, body: `${body} ` })).toBe(false);
    expect(verifyWebhook({ ...base, id: 'msg_other' })).toBe(false);
    expect(verifyWebhook({ ...base, secret: 'whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldA==' })).toBe(false);
    expect(verifyWebhook({ ...base, now: new Date(timestamp * 1000 + 600_000) })).toBe(false);
    expect(verifyWebhook({ ...base, timestamp: '1614265330.5' })).toBe(false);
    expect(verifyWebhook({ ...base, signature: signature.replace('v1,', 'v2,') })).toBe(false);
  });

  it('uses a whsec_ secret as the bytes it encodes and any other secret as text', () => {
    expect(signingKey('whsec_AAEC').equals(Buffer.from([0, 1, 2]))).toBe(true);
    expect(signingKey('plain-secret-of-enough-length').toString()).toBe('plain-secret-of-enough-length');
  });
});

describe('retries', () => {
  it('backs off exponentially with bounded jitter and never overflows', () => {
    for (const [i, base] of RETRY_SCHEDULE_MS.entries()) {
      const delay = retryDelayMs(i + 1, 'delivery-1');
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.1);
    }
    expect(retryDelayMs(1, 'delivery-1')).toBe(retryDelayMs(1, 'delivery-1'));
    const last = RETRY_SCHEDULE_MS[RETRY_SCHEDULE_MS.length - 1]!;
    for (const attempt of [MAX_ATTEMPTS, 50, 10_000]) {
      const delay = retryDelayMs(attempt, 'delivery-2');
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeLessThanOrEqual(last * 1.1);
    }
  });
});

describe('delivery keys', () => {
  it('are stable for the same incident whatever the order, and differ by event', () => {
    const firedAt = new Date('2026-03-01T09:00:00Z');
    const one = toDeliveryKey('r1', 'firing', [
      { metricId: 'm1', firedAt },
      { metricId: 'm2', firedAt },
    ]);
    expect(one).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(
      toDeliveryKey('r1', 'firing', [
        { metricId: 'm2', firedAt },
        { metricId: 'm1', firedAt },
      ]),
    ).toBe(one);
    expect(
      toDeliveryKey('r1', 'resolved', [
        { metricId: 'm1', firedAt },
        { metricId: 'm2', firedAt },
      ]),
    ).not.toBe(one);
    expect(
      toDeliveryKey('r2', 'firing', [
        { metricId: 'm1', firedAt },
        { metricId: 'm2', firedAt },
      ]),
    ).not.toBe(one);
  });
});

describe('channel bodies', () => {
  it('sends the payload as signed JSON to generic webhooks', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { headers, body } = renderWebhookRequest(payload, { id: 'msg_1', timestamp: 1700000000, secret });
    expect(JSON.parse(body)).toEqual(payload);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
    });
    expect(
      verifyWebhook({
        id: 'msg_1',
        timestamp: '1700000000',
        signature: headers['webhook-signature'] ?? '',
        body,
        secret,
        now: new Date(1700000000_000),
      }),
    ).toBe(true);
  });

  it('renders Slack text with escaped names and a link per metric', () => {
    const { headers, body } = renderSlackRequest(payload, { id: 'msg_1', timestamp: 1700000000 });
    const slack = JSON.parse(body) as {
      text: string;
      blocks: { type: string; text: { type: string; text: string } }[];
    };
    expect(slack.text).toContain('*Firing:* Revenue &amp; orders');
    expect(slack.text).toContain('<https://sightline.example/p/acme/metrics/m1|Orders &lt;b&gt;>');
    expect(slack.text).toContain('expected 100');
    expect(slack.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: slack.text } });
    expect(headers['webhook-signature']).toBeUndefined();
  });
});
