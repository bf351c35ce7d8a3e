/**
 * The whole monitor in one pass, with nothing faked but the clock: a spike in the warehouse is collected,
 * scored as an anomaly, fires its alert rule and is delivered once to a real HTTP receiver on loopback; the
 * same tick again sends nothing; the next normal hour resolves it, delivered once too.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { anomalies } from '@/db/schema';
import { createAlertRule } from '@/lib/alerts/service';
import { scheduledTick, type EngineDeps } from '@/lib/collection/engine';
import { reloadEnv } from '@/lib/env';
import { createTestProject, openIsolatedTestDb } from '../../helpers/db';
import { createCountMetric } from '../../helpers/factories';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';
import { startReceiver, type Receiver } from '../alerts/receiver';
import { webhookRuleInput } from '../alerts/fixtures';

// Thirty days of orders with a daily cycle, then 300 orders in the last hour before the clock.
const SETUP = `
create table orders (created_at timestamptz not null, amount numeric not null);
insert into orders
select h + i * interval '1 minute', 10
from generate_series(timestamptz '2026-02-01 00:00+00', timestamptz '2026-03-02 22:00+00', interval '1 hour') as h,
     lateral generate_series(1, 20 + (8 * sin(extract(hour from h at time zone 'UTC') * pi() / 12))::int
                                + ((extract(epoch from h) / 3600)::int % 3)) as i;
insert into orders select timestamptz '2026-03-02 23:00+00' + i * interval '10 seconds', 10
from generate_series(1, 300) as i;`;

const [embedded] = warehouseTargets({ setupSql: SETUP, teardownSql: 'drop table if exists orders' });
const saved = process.env.ALLOWED_OUTBOUND_HOSTS;

let handle: DbHandle;
let warehouse: OpenedTarget;
let receiver: Receiver;
let metricId: string;
let now = new Date('2026-03-03T00:10:00Z');

const deps = (): EngineDeps => ({
  db: handle.db,
  now: () => now,
  openClient: async () => ({ client: warehouse.client, release: async () => {} }),
});
const events = () => receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type);

beforeAll(async () => {
  process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
  reloadEnv();
  warehouse = await embedded!.open();
  receiver = await startReceiver();
  handle = await openIsolatedTestDb();
  const fixture = await createTestProject(handle.db, 'Monitor');
  metricId = (await createCountMetric(handle.db, fixture.project.id)).metric.id;
  await createAlertRule({
    ctx: fixture.ctx('editor'),
    input: webhookRuleInput(`${receiver.origin}/hook`, { metricIds: [metricId] }),
  });
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await warehouse?.cleanup();
  await handle?.close();
  process.env.ALLOWED_OUTBOUND_HOSTS = saved;
  reloadEnv();
});

describe('collection → detection → alert → webhook', () => {
  it('delivers a planted spike exactly once', async () => {
    const report = await scheduledTick(deps(), { budgetMs: 60_000 });
    expect(report.runs[0]?.run.anomaliesWritten).toBeGreaterThan(0);
    const [spike] = await handle.db.select().from(anomalies).where(eq(anomalies.metricId, metricId));
    expect(spike).toMatchObject({ direction: 'up', status: 'active', dimension: '' });
    expect(spike?.bucketStart.toISOString()).toBe('2026-03-02T23:00:00.000Z');
    expect(report.delivered).toBe(1);
    expect(events()).toEqual(['alert.firing']);
  });

  it('sends nothing new when the same tick runs again', async () => {
    const report = await scheduledTick(deps(), { budgetMs: 60_000 });
    expect(report.delivered).toBe(0);
    expect(events()).toEqual(['alert.firing']);
  });

  it('resolves once when the next hour is normal again', async () => {
    await warehouse.exec(`insert into orders
      select timestamptz '2026-03-03 00:00+00' + i * interval '2 minutes', 10 from generate_series(1, 22) as i`);
    now = new Date('2026-03-03T01:10:00Z');
    await scheduledTick(deps(), { budgetMs: 60_000 });
    const [spike] = await handle.db.select().from(anomalies).where(eq(anomalies.metricId, metricId));
    expect(spike?.status).toBe('resolved');
    expect(events()).toEqual(['alert.firing', 'alert.resolved']);
    await scheduledTick(deps(), { budgetMs: 60_000 });
    expect(events()).toEqual(['alert.firing', 'alert.resolved']);
    // Every delivery names itself the same way on the wire: one id per event.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(2);
  });
});
