/**
 * The alert-rule verbs: secrets encrypted and never echoed, roles and tenancy, strict input, the outbound guard on
 * save (SSRF), snooze, send test through a real receiver, and the 30-day preview.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { alertDeliveries, alertRules, auditEntries } from '@/db/schema';
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertDeliveries,
  listAlertRules,
  snoozeAlertRule,
  unsnoozeAlertRule,
  updateAlertRule,
  type AlertDeps,
} from '@/lib/alerts/service';
import { previewRule } from '@/lib/alerts/preview-rule';
import { sendTest } from '@/lib/alerts/send-test';
import { verifyWebhook } from '@/lib/alerts/signature';
import { reloadEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import type { ResolveHost } from '@/lib/net/outbound-guard';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { createCountMetric } from '../../helpers/factories';
import {
  bucketBefore,
  HOUR,
  plantAnomaly,
  plantValues,
  SECRET_PATH,
  SIGNING_SECRET,
  tickNow,
  webhookRuleInput,
} from './fixtures';
import { startReceiver, type Receiver } from './receiver';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let receiver: Receiver;
const previousAllowed = process.env.ALLOWED_OUTBOUND_HOSTS;

const PUBLIC_IP = '93.184.216.34';
const publicDns: ResolveHost = async () => [{ address: PUBLIC_IP, family: 4 }];
const publicDeps: AlertDeps = { outbound: { resolve: publicDns, allowedHosts: '' } };
const PUBLIC_URL = `https://hooks.example.com${SECRET_PATH}`;

const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

beforeAll(async () => {
  process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
  reloadEnv();
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Alerts A');
  b = await createTestProject(handle.db, 'Alerts B');
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await handle?.close();
  if (previousAllowed === undefined) delete process.env.ALLOWED_OUTBOUND_HOSTS;
  else process.env.ALLOWED_OUTBOUND_HOSTS = previousAllowed;
  reloadEnv();
});

const create = (
  input: Record<string, unknown>,
  deps: AlertDeps = publicDeps,
  role: 'editor' | 'viewer' = 'editor',
) => createAlertRule({ ctx: a.ctx(role), input, deps });

async function auditOf(id: string) {
  return handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, id));
}

describe('secrets', () => {
  it('stores the URL and signing secret encrypted and returns only the host and a mask', async () => {
    const rule = await create(webhookRuleInput(PUBLIC_URL));
    expect(rule.channel).toEqual({
      type: 'webhook',
      targetHost: 'hooks.example.com',
      urlMask: 'hooks.example.com/••••••',
      signingSecretSet: true,
    });
    const [row] = await handle.db.select().from(alertRules).where(eq(alertRules.id, rule.id));
    expect(Object.keys(row?.secrets ?? {}).sort()).toEqual(['signingSecret', 'webhookUrl']);
    const everything = JSON.stringify([
      row,
      rule,
      await listAlertRules({ ctx: a.ctx('viewer') }),
      await getAlertRule({ ctx: a.ctx('viewer'), input: { id: rule.id } }),
      await auditOf(rule.id),
    ]);
    expect(everything).not.toContain('SENTINEL');
    expect(everything).not.toContain(SIGNING_SECRET);
  });

  it('keeps the stored URL and secret when an edit leaves them empty, and replaces them when given', async () => {
    const rule = await create(webhookRuleInput(PUBLIC_URL));
    const kept = await updateAlertRule({
      ctx: a.ctx('editor'),
      input: {
        id: rule.id,
        ...webhookRuleInput(''),
        name: 'Renamed',
        channel: { type: 'webhook', url: '', signingSecret: '' },
      },
      deps: publicDeps,
    });
    expect(kept).toMatchObject({
      name: 'Renamed',
      channel: { targetHost: 'hooks.example.com', signingSecretSet: true },
    });
    const moved = await updateAlertRule({
      ctx: a.ctx('editor'),
      input: { id: rule.id, ...webhookRuleInput('https://other.example.org/x/SENTINEL2') },
      deps: publicDeps,
    });
    expect(moved.channel.targetHost).toBe('other.example.org');
    const audit = await auditOf(rule.id);
    expect(audit.map((e) => e.action).sort()).toEqual([
      'alert_rule.create',
      'alert_rule.update',
      'alert_rule.update',
    ]);
    expect(JSON.stringify(audit)).not.toContain('SENTINEL');
  });

  it('asks for a signing secret when a webhook rule has none', async () => {
    const error = await failure(
      create({ ...webhookRuleInput(PUBLIC_URL), channel: { type: 'webhook', url: PUBLIC_URL } }),
    );
    expect(error.fieldErrors?.['channel.signingSecret']).toMatch(/signing secret/);
    const slack = await create({
      ...webhookRuleInput(PUBLIC_URL),
      channel: { type: 'slack', url: PUBLIC_URL },
    });
    const switched = await failure(
      updateAlertRule({
        ctx: a.ctx('editor'),
        input: { id: slack.id, ...webhookRuleInput(''), channel: { type: 'webhook' } },
        deps: publicDeps,
      }),
    );
    expect(switched.fieldErrors?.['channel.signingSecret']).toBeDefined();
  });
});

describe('the outbound guard on save (SSRF)', () => {
  const privateDns: ResolveHost = async () => [{ address: '10.0.0.5', family: 4 }];

  it('refuses a rule pointing at a private address unless ALLOWED_OUTBOUND_HOSTS allows it', async () => {
    const before = (await listAlertRules({ ctx: a.ctx('viewer') })).length;
    const literal = await failure(
      create(webhookRuleInput('https://10.0.0.5/hook'), { outbound: { allowedHosts: '' } }),
    );
    expect(literal.fieldErrors?.['channel.url']).toMatch(/private address.*ALLOWED_OUTBOUND_HOSTS/);
    const named = await failure(
      create(webhookRuleInput('https://hooks.internal.example/hook'), {
        outbound: { resolve: privateDns, allowedHosts: '' },
      }),
    );
    expect(named.fieldErrors?.['channel.url']).toMatch(/resolves to 10\.0\.0\.5/);
    for (const url of [
      'https://127.0.0.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/x',
    ]) {
      await failure(create(webhookRuleInput(url), { outbound: { allowedHosts: '' } }));
    }
    expect((await listAlertRules({ ctx: a.ctx('viewer') })).length).toBe(before);

    const allowed = await create(webhookRuleInput('https://10.0.0.5/hook'), {
      outbound: { allowedHosts: '10.0.0.0/8' },
    });
    expect(allowed.channel.targetHost).toBe('10.0.0.5');
  });

  it('accepts http only for hosts ALLOWED_OUTBOUND_HOSTS lists', async () => {
    const error = await failure(create(webhookRuleInput('http://hooks.example.com/x'), publicDeps));
    expect(error.fieldErrors?.['channel.url']).toMatch(/https/);
    const local = await create(webhookRuleInput(`${receiver.origin}/hook`), {});
    expect(local.channel.targetHost).toBe(receiver.origin.replace('http://', ''));
  });

  it('refuses URLs that are not plain http(s) endpoints', async () => {
    const cases = [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://user:pass@hooks.example.com/x',
      'https://hooks.example.com/x\u0000y',
      'https://hooks.example.com/\u202Ex',
      'hooks.example.com/no-scheme',
      `https://hooks.example.com/${'a'.repeat(3000)}`,
    ];
    for (const url of cases) {
      const error = await failure(create(webhookRuleInput(url)));
      expect(error.code, url).toBe('validation');
      expect(error.fieldErrors?.['channel.url'], url).toBeDefined();
    }
  });
});

describe('roles, tenancy and strict input', () => {
  it('refuses a viewer and writes nothing', async () => {
    const before = (await listAlertRules({ ctx: a.ctx('viewer') })).length;
    const error = await failure(create(webhookRuleInput(PUBLIC_URL), publicDeps, 'viewer'));
    expect(error.code).toBe('forbidden');
    expect((await listAlertRules({ ctx: a.ctx('viewer') })).length).toBe(before);
  });

  it("treats another project's rule and metrics as unknown", async () => {
    const rule = await create(webhookRuleInput(PUBLIC_URL));
    expect((await failure(getAlertRule({ ctx: b.ctx('admin'), input: { id: rule.id } }))).code).toBe(
      'not_found',
    );
    expect((await failure(deleteAlertRule({ ctx: b.ctx('admin'), input: { id: rule.id } }))).code).toBe(
      'not_found',
    );
    expect((await failure(sendTest({ ctx: b.ctx('admin'), input: { id: rule.id } }))).code).toBe('not_found');
    const { metric } = await createCountMetric(handle.db, b.project.id);
    const error = await failure(create(webhookRuleInput(PUBLIC_URL, { metricIds: [metric.id] })));
    expect(error.fieldErrors?.['scope.metricIds.0']).toBe('Unknown metric.');
  });

  it('rejects unknown keys and non-scalar values with field errors', async () => {
    for (const input of [
      { ...webhookRuleInput(PUBLIC_URL), projectId: b.project.id },
      { ...webhookRuleInput(PUBLIC_URL), name: { select: 1 } },
      { ...webhookRuleInput(PUBLIC_URL), condition: { type: 'above', threshold: '1; drop table' } },
      { ...webhookRuleInput(PUBLIC_URL), pendingBuckets: 0 },
      { ...webhookRuleInput(PUBLIC_URL), scope: { type: 'tags', tags: [] } },
      JSON.parse('{"__proto__": {"admin": true}, "name": "x"}') as Record<string, unknown>,
    ]) {
      expect((await failure(create(input))).code).toBe('validation');
    }
    expect((await failure(getAlertRule({ ctx: a.ctx('viewer'), input: { id: { select: 1 } } }))).code).toBe(
      'validation',
    );
  });
});

describe('snooze and delete', () => {
  it('snoozes until a future time, refuses the past, and unsnoozes', async () => {
    const rule = await create(webhookRuleInput(PUBLIC_URL));
    const past = await failure(
      snoozeAlertRule({
        ctx: a.ctx('editor'),
        input: { id: rule.id, until: new Date(Date.now() - 60_000).toISOString() },
      }),
    );
    expect(past.fieldErrors?.until).toMatch(/future/);
    const until = new Date(Date.now() + 2 * HOUR).toISOString();
    const snoozed = await snoozeAlertRule({ ctx: a.ctx('editor'), input: { id: rule.id, until } });
    expect(snoozed.snoozedUntil).toBe(until);
    expect(
      (await unsnoozeAlertRule({ ctx: a.ctx('editor'), input: { id: rule.id } })).snoozedUntil,
    ).toBeNull();
    const actions = (await auditOf(rule.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert_rule.snooze', 'alert_rule.unsnooze']));
  });

  it('deletes a rule with its deliveries, audited', async () => {
    const rule = await create(webhookRuleInput(`${receiver.origin}${SECRET_PATH}`), {});
    await sendTest({ ctx: a.ctx('editor'), input: { id: rule.id } });
    await deleteAlertRule({ ctx: a.ctx('editor'), input: { id: rule.id } });
    expect(await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.ruleId, rule.id))).toEqual(
      [],
    );
    expect((await auditOf(rule.id)).map((e) => e.action)).toContain('alert_rule.delete');
  });
});

describe('send test', () => {
  it('delivers a signed test event through the real sender and reports the answer', async () => {
    const rule = await create(webhookRuleInput(`${receiver.origin}${SECRET_PATH}`), {});
    receiver.received.length = 0;
    receiver.answer = () => 204;
    const ok = await sendTest({ ctx: a.ctx('editor'), input: { id: rule.id } });
    expect(ok).toMatchObject({ ok: true, statusCode: 204 });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    const [request] = receiver.received;
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
      type: 'alert.test',
      data: { rule: { id: rule.id } },
    });
    expect(
      verifyWebhook({
        id: String(request?.headers['webhook-id']),
        timestamp: String(request?.headers['webhook-timestamp']),
        signature: String(request?.headers['webhook-signature']),
        body: request?.body ?? '',
        secret: SIGNING_SECRET,
      }),
    ).toBe(true);

    receiver.answer = () => 500;
    const failed = await sendTest({ ctx: a.ctx('editor'), input: { id: rule.id } });
    expect(failed).toMatchObject({ ok: false, statusCode: 500 });
    receiver.answer = () => 200;

    const deliveries = (await listAlertDeliveries({ ctx: a.ctx('viewer') })).filter(
      (d) => d.ruleId === rule.id,
    );
    expect(deliveries.map((d) => [d.event, d.status, d.attempts, d.lastStatusCode])).toEqual([
      ['test', 'failed', 1, 500],
      ['test', 'delivered', 1, 204],
    ]);
    expect(JSON.stringify(deliveries)).not.toContain('SENTINEL');
    expect((await failure(sendTest({ ctx: a.ctx('viewer'), input: { id: rule.id } }))).code).toBe(
      'forbidden',
    );
  });

  it('reports a refused target as an error, without the URL', async () => {
    const rule = await create(webhookRuleInput(`${receiver.origin}${SECRET_PATH}`), {});
    const result = await sendTest({
      ctx: a.ctx('editor'),
      input: { id: rule.id },
      deps: { outbound: { allowedHosts: '' } },
    });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SENTINEL');
  });
});

describe('preview', () => {
  it('counts how often the rule would have fired over the last 30 days', async () => {
    const { metric } = await createCountMetric(handle.db, a.project.id);
    const { metric: quiet } = await createCountMetric(handle.db, a.project.id);
    const now = tickNow();
    // Two separate runs above 150: one of three buckets, one of two; the quiet metric never crosses.
    const series = [100, 160, 170, 180, 100, 100, 190, 195, 100];
    await plantValues(
      handle.db,
      metric.id,
      series.map((value, i) => ({ at: bucketBefore(now, series.length - 1 - i), value })),
    );
    await plantValues(
      handle.db,
      quiet.id,
      series.map((_, i) => ({ at: bucketBefore(now, i), value: 50 })),
    );
    // Older than 30 days: not replayed.
    await plantValues(handle.db, metric.id, [{ at: new Date(now.getTime() - 40 * 24 * HOUR), value: 999 }]);

    const scope = { type: 'metrics', metricIds: [metric.id, quiet.id] };
    const once = await previewRule({
      ctx: a.ctx('viewer'),
      input: { scope, condition: { type: 'above', threshold: 150 }, pendingBuckets: 1 },
    });
    expect(once).toMatchObject({ days: 30, total: 2, metricsInScope: 2, metricsReplayed: 2 });
    expect(once.perMetric).toEqual([{ metricId: metric.id, metricName: metric.name, firings: 2 }]);
    const sustained = await previewRule({
      ctx: a.ctx('viewer'),
      input: { scope, condition: { type: 'above', threshold: 150 }, pendingBuckets: 3 },
    });
    expect(sustained.total).toBe(1);

    await plantAnomaly(handle.db, {
      projectId: a.project.id,
      metricId: quiet.id,
      at: bucketBefore(now, 3),
      value: 50,
      direction: 'down',
    });
    await plantAnomaly(handle.db, {
      projectId: a.project.id,
      metricId: quiet.id,
      at: bucketBefore(now, 1),
      value: 50,
      severity: 'low',
      direction: 'down',
      status: 'resolved',
    });
    const anomalies = await previewRule({
      ctx: a.ctx('viewer'),
      input: {
        scope,
        condition: { type: 'anomaly', minSeverity: 'low', direction: 'down' },
        pendingBuckets: 1,
      },
    });
    expect(anomalies.perMetric).toEqual([{ metricId: quiet.id, metricName: quiet.name, firings: 2 }]);
  });
});
