/**
 * The demo warehouse as a user of the demo sees it: a million rows that look like a live shop, with the
 * planted incidents where demoIncidents says they are, a clean recent stretch, and the same rows every time.
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_QUIET_DAYS,
  DEMO_WAREHOUSE_DAYS,
  demoIncidents,
  demoWarehouseAnchor,
  seedDemoWarehouse,
  type DemoIncident,
} from '@/db/seed/demo-warehouse';

/** A fixed anchor keeps failures reproducible; nothing in the generator depends on the wall clock. */
const ANCHOR = new Date('2026-11-23T00:00:00Z');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

type Row = Record<string, unknown>;
type Query = (sql: string) => Promise<Row[]>;

const iso = (d: Date) => `'${d.toISOString()}'::timestamptz`;
const daysFromAnchor = (days: number) => new Date(ANCHOR.getTime() + days * DAY_MS);
const weekEarlier = (d: Date) => new Date(d.getTime() - 7 * DAY_MS);

function byKey(key: string): DemoIncident {
  const found = demoIncidents(ANCHOR).find((i) => i.key === key);
  if (!found) throw new Error(`no incident ${key}`);
  return found;
}

async function scalar(query: Query, sql: string): Promise<number> {
  const rows = await query(sql);
  return Number(rows[0]?.v);
}

async function countBetween(
  query: Query,
  table: string,
  column: string,
  from: Date,
  to: Date,
): Promise<number> {
  return scalar(
    query,
    `select count(*)::int as v from ${table} where ${column} >= ${iso(from)} and ${column} < ${iso(to)}`,
  );
}

/**
 * Fingerprints of everything a metric could read, rendered without the session time zone (epochs, UTC days)
 * so the same rows give the same checksum on any server.
 */
async function checksums(query: Query): Promise<Record<string, string>> {
  const rows = await query(`
    select 'orders' as t, md5(string_agg(d::text, '|' order by d.day)) as c
    from (select (created_at at time zone 'UTC')::date as day, count(*), sum(amount), sum(customer_id),
                 sum(order_id), sum(extract(epoch from created_at)), string_agg(distinct status, ','),
                 count(*) filter (where status = 'failed'), count(*) filter (where country = 'JP'),
                 count(*) filter (where channel = 'partner')
          from orders group by 1) d
    union all
    select 'sessions', md5(string_agg(d::text, '|' order by d.day))
    from (select (started_at at time zone 'UTC')::date as day, count(*), sum(duration_s), sum(user_id),
                 sum(session_id), sum(extract(epoch from started_at)), count(*) filter (where converted),
                 string_agg(distinct app_version, ','), count(*) filter (where platform = 'android')
          from sessions group by 1) d
    union all
    select 'deployments',
           md5(string_agg(concat_ws(',', deployment_id, extract(epoch from deployed_at), service, outcome,
                                    duration_s), '|' order by deployment_id))
    from deployments
  `);
  return Object.fromEntries(rows.map((r) => [String(r.t), String(r.c)]));
}

/** Checksums PGlite produced, so the server block can show both engines generate the same rows. */
const pgliteChecksums: { value?: Record<string, string> } = {};

describe('demo warehouse on PGlite', () => {
  let pg: PGlite;
  let query: Query;
  let anchorBeforeSeed: Date | null;
  let seeded: { tables: Record<string, number> };

  beforeAll(async () => {
    pg = await PGlite.create();
    query = async (sql) => (await pg.query<Row>(sql)).rows;
    anchorBeforeSeed = await demoWarehouseAnchor(
      async (sql) => (await pg.query<{ anchor: string }>(sql)).rows,
    );
    seeded = await seedDemoWarehouse((sql) => pg.exec(sql), { anchor: ANCHOR });
  }, 120_000);

  afterAll(async () => {
    await pg?.close();
  });

  it('generates over a million rows with the counts it reports', async () => {
    const { orders = 0, sessions = 0, deployments = 0 } = seeded.tables;
    expect(orders + sessions + deployments).toBeGreaterThanOrEqual(1_000_000);
    expect(orders).toBeGreaterThan(200_000);
    expect(orders).toBeLessThan(500_000);
    expect(deployments).toBeGreaterThan(1_000);
    expect(deployments).toBeLessThan(10_000);
    for (const [table, reported] of Object.entries(seeded.tables)) {
      expect(await scalar(query, `select count(*)::int as v from ${table}`)).toBe(reported);
    }
  });

  it('records the anchor, and reads none before the first seed', async () => {
    expect(anchorBeforeSeed).toBeNull();
    const anchor = await demoWarehouseAnchor(async (sql) => (await pg.query<{ anchor: string }>(sql)).rows);
    expect(anchor?.toISOString()).toBe(ANCHOR.toISOString());
  });

  it('covers the 120 days before the anchor and the whole anchor day', async () => {
    const start = daysFromAnchor(-DEMO_WAREHOUSE_DAYS);
    const end = daysFromAnchor(1);
    for (const [table, column] of [
      ['orders', 'created_at'],
      ['sessions', 'started_at'],
      ['deployments', 'deployed_at'],
    ] as const) {
      const [range] = await query(
        `select min(${column}) as first, max(${column}) as last,
                count(distinct (${column} at time zone 'UTC')::date)::int as days
         from ${table}`,
      );
      const first = new Date(String(range?.first));
      const last = new Date(String(range?.last));
      expect(first.getTime(), table).toBeGreaterThanOrEqual(start.getTime());
      // Deployments are rare at the weekend, so the first one may come a day or two in.
      expect(first.getTime(), table).toBeLessThan(
        start.getTime() + (table === 'deployments' ? 3 : 1) * DAY_MS,
      );
      expect(last.getTime(), table).toBeLessThan(end.getTime());
      expect(last.getTime(), table).toBeGreaterThan(end.getTime() - DAY_MS);
      if (table !== 'deployments') expect(range?.days, table).toBe(DEMO_WAREHOUSE_DAYS + 1);
    }
    // The anchor day is busy right up to its last hour, so a demo opened today looks live.
    expect(
      await countBetween(query, 'orders', 'created_at', new Date(end.getTime() - HOUR_MS), end),
    ).toBeGreaterThan(20);
  });

  it('has a daily rhythm: evening peak, quiet night', async () => {
    const perHour = await query(`
      select extract(hour from created_at at time zone 'UTC')::int as hour, count(*)::int as n
      from orders group by 1 order by 1`);
    const n = (hour: number) => Number(perHour.find((r) => r.hour === hour)?.n);
    expect(perHour).toHaveLength(24);
    expect(n(20) / n(4)).toBeGreaterThan(4);
    expect(n(20)).toBe(Math.max(...perHour.map((r) => Number(r.n))));
  });

  it('has a weekly rhythm: orders dip and sessions rise at the weekend', async () => {
    // The two clean weeks before the anchor: whole weeks, so each weekday appears twice.
    const ratio = async (table: string, column: string) =>
      scalar(
        query,
        `select avg(n) filter (where dow in (6, 7)) / avg(n) filter (where dow between 1 and 5) as v
         from (select (${column} at time zone 'UTC')::date as day,
                      extract(isodow from ${column} at time zone 'UTC') as dow, count(*)::float8 as n
               from ${table}
               where ${column} >= ${iso(daysFromAnchor(-14))} and ${column} < ${iso(ANCHOR)}
               group by 1, 2) d`,
      );
    expect(await ratio('orders', 'created_at')).toBeLessThan(0.85);
    expect(await ratio('sessions', 'started_at')).toBeGreaterThan(1.1);
  });

  it('grows gently over the 120 days', async () => {
    const first = await countBetween(
      query,
      'orders',
      'created_at',
      daysFromAnchor(-120),
      daysFromAnchor(-92),
    );
    const last = await countBetween(query, 'orders', 'created_at', daysFromAnchor(-28), ANCHOR);
    expect(last / first).toBeGreaterThan(1.1);
    expect(last / first).toBeLessThan(1.4);
  });

  it('plants a ~3× order spike, against the same hours a week earlier', async () => {
    const spike = byKey('flash_sale_spike');
    expect(spike.effect).toBe('spike');
    expect(spike.endsAt.getTime() - spike.startsAt.getTime()).toBe(2 * HOUR_MS);
    const during = await countBetween(query, 'orders', 'created_at', spike.startsAt, spike.endsAt);
    const before = await countBetween(
      query,
      'orders',
      'created_at',
      weekEarlier(spike.startsAt),
      weekEarlier(spike.endsAt),
    );
    expect(during / before).toBeGreaterThan(2.4);
    expect(during / before).toBeLessThan(3.7);
  });

  it('plants a checkout outage: ~30% of the orders for 6 hours, most of them failed', async () => {
    const outage = byKey('checkout_outage');
    expect(outage.effect).toBe('drop');
    const failedShare = (from: Date, to: Date) =>
      scalar(
        query,
        `select avg((status = 'failed')::int)::float8 as v from orders
         where created_at >= ${iso(from)} and created_at < ${iso(to)}`,
      );
    const during = await countBetween(query, 'orders', 'created_at', outage.startsAt, outage.endsAt);
    const before = await countBetween(
      query,
      'orders',
      'created_at',
      weekEarlier(outage.startsAt),
      weekEarlier(outage.endsAt),
    );
    expect(during / before).toBeGreaterThan(0.2);
    expect(during / before).toBeLessThan(0.42);
    expect(await failedShare(outage.startsAt, outage.endsAt)).toBeGreaterThan(0.35);
    expect(await failedShare(weekEarlier(outage.startsAt), weekEarlier(outage.endsAt))).toBeLessThan(0.1);
  });

  it('plants a stretch with no sessions at all, with data on both sides', async () => {
    const gap = byKey('sessions_gap');
    expect(gap.effect).toBe('missing_data');
    expect(await countBetween(query, 'sessions', 'started_at', gap.startsAt, gap.endsAt)).toBe(0);
    const hourBefore = new Date(gap.startsAt.getTime() - HOUR_MS);
    const hourAfter = new Date(gap.endsAt.getTime() + HOUR_MS);
    expect(await countBetween(query, 'sessions', 'started_at', hourBefore, gap.startsAt)).toBeGreaterThan(0);
    expect(await countBetween(query, 'sessions', 'started_at', gap.endsAt, hourAfter)).toBeGreaterThan(0);
    // Only sessions went missing: orders kept flowing.
    expect(await countBetween(query, 'orders', 'created_at', gap.startsAt, gap.endsAt)).toBeGreaterThan(0);
  });

  it('plants a lasting +20% shift in the average order amount', async () => {
    const shift = byKey('order_amount_shift');
    expect(shift.effect).toBe('level_shift');
    const avgAmount = (from: Date, to: Date) =>
      scalar(
        query,
        `select avg(amount)::float8 as v from orders
         where created_at >= ${iso(from)} and created_at < ${iso(to)}`,
      );
    const twoWeeks = 14 * DAY_MS;
    const before = await avgAmount(new Date(shift.startsAt.getTime() - twoWeeks), shift.startsAt);
    const after = await avgAmount(shift.startsAt, new Date(shift.startsAt.getTime() + twoWeeks));
    const recent = await avgAmount(daysFromAnchor(-14), ANCHOR);
    expect(after / before).toBeGreaterThan(1.12);
    expect(after / before).toBeLessThan(1.28);
    expect(recent / after).toBeGreaterThan(0.95);
    expect(recent / after).toBeLessThan(1.05);
  });

  it('plants an android-only drop in session duration after the 3.20.0 release', async () => {
    const regression = byKey('android_duration_regression');
    expect(regression.effect).toBe('level_shift');
    const avgDuration = (platform: string, fromDays: number, toDays: number) =>
      scalar(
        query,
        `select avg(duration_s)::float8 as v from sessions where platform = '${platform}'
         and started_at >= ${iso(daysFromAnchor(fromDays))} and started_at < ${iso(daysFromAnchor(toDays))}`,
      );
    const releaseDay = Math.round((regression.startsAt.getTime() - ANCHOR.getTime()) / DAY_MS);
    // Skip the week after the release: users pick the new version up over a few days.
    const android =
      (await avgDuration('android', releaseDay + 7, releaseDay + 21)) /
      (await avgDuration('android', releaseDay - 14, releaseDay));
    const ios =
      (await avgDuration('ios', releaseDay + 7, releaseDay + 21)) /
      (await avgDuration('ios', releaseDay - 14, releaseDay));
    expect(android).toBeGreaterThan(0.62);
    expect(android).toBeLessThan(0.78);
    expect(ios).toBeGreaterThan(0.93);
    expect(ios).toBeLessThan(1.07);
    const [release] = await query(
      `select min(started_at) as first from sessions where platform = 'android' and app_version = '3.20.0'`,
    );
    expect(new Date(String(release?.first)).getTime()).toBeGreaterThanOrEqual(regression.startsAt.getTime());
  });

  it('keeps the last 14 days free of incidents', async () => {
    const quietFrom = daysFromAnchor(-DEMO_QUIET_DAYS);
    for (const i of demoIncidents(ANCHOR)) {
      // Level shifts last to the end of the data, but they begin (and settle) well before the quiet stretch.
      if (i.effect === 'level_shift')
        expect(i.startsAt.getTime(), i.key).toBeLessThan(daysFromAnchor(-28).getTime());
      else expect(i.endsAt.getTime(), i.key).toBeLessThanOrEqual(quietFrom.getTime());
    }
    // And the data agrees: each day of the second quiet week looks like the same weekday of the first, with
    // no gaps or failures. (A week before the quiet stretch would not do: it holds the flash sale.)
    const days = await query(`
      select day, n, failed, hours, lag(n, 7) over (order by day) as week_before
      from (select (created_at at time zone 'UTC')::date as day, count(*)::int as n,
                   avg((status = 'failed')::int)::float8 as failed,
                   count(distinct date_trunc('hour', created_at at time zone 'UTC'))::int as hours
            from orders where created_at >= ${iso(quietFrom)} and created_at < ${iso(ANCHOR)}
            group by 1) d
      order by day`);
    expect(days).toHaveLength(DEMO_QUIET_DAYS);
    for (const d of days) {
      expect(Number(d.failed), String(d.day)).toBeLessThan(0.1);
      expect(d.hours, String(d.day)).toBe(24);
    }
    for (const d of days.slice(7)) {
      const ratio = Number(d.n) / Number(d.week_before);
      expect(ratio, String(d.day)).toBeGreaterThan(0.9);
      expect(ratio, String(d.day)).toBeLessThan(1.15);
    }
    const sessionHours = await scalar(
      query,
      `select count(distinct date_trunc('hour', started_at at time zone 'UTC'))::int as v from sessions
       where started_at >= ${iso(quietFrom)} and started_at < ${iso(ANCHOR)}`,
    );
    expect(sessionHours).toBe(DEMO_QUIET_DAYS * 24);
  });

  it('derives the incidents from the anchor alone and refuses an anchor off midnight UTC', async () => {
    expect(demoIncidents(new Date(ANCHOR))).toEqual(demoIncidents(ANCHOR));
    const shifted = demoIncidents(daysFromAnchor(1));
    expect(shifted.map((i) => i.startsAt.getTime() - DAY_MS)).toEqual(
      demoIncidents(ANCHOR).map((i) => i.startsAt.getTime()),
    );
    expect(() => demoIncidents(new Date('2026-11-23T05:00:00Z'))).toThrow(/UTC midnight/);
    await expect(
      seedDemoWarehouse((sql) => pg.exec(sql), { anchor: new Date('2026-11-23T05:00:00Z') }),
    ).rejects.toThrow(/UTC midnight/);
  });

  it('generates identical rows when seeded again', async () => {
    const first = await checksums(query);
    const again = await seedDemoWarehouse((sql) => pg.exec(sql), { anchor: ANCHOR });
    expect(again.tables).toEqual(seeded.tables);
    expect(await checksums(query)).toEqual(first);
    pgliteChecksums.value = first;
  }, 60_000);
});

// Registered only with a server, so the embedded-only pass reports no skipped tests.
if (process.env.DATABASE_URL)
  describe('demo warehouse on a Postgres server', () => {
    const adminUrl = process.env.DATABASE_URL ?? '';
    const database = `sightline_wh_test_${Math.random().toString(36).slice(2, 10)}`;
    let admin: postgres.Sql;
    // A session time zone other than UTC must not move the evening peak or the incidents.
    let eastern: postgres.Sql;
    let utc: postgres.Sql;
    let query: Query;
    let seeded: { tables: Record<string, number> };
    let anchorBeforeSeed: Date | null;
    let first: Record<string, string>;

    const connect = (timeZone: string) => {
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      return postgres(url.toString(), { max: 3, onnotice: () => {}, connection: { TimeZone: timeZone } });
    };

    beforeAll(async () => {
      admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${database}`);
      eastern = connect('America/New_York');
      utc = connect('UTC');
      query = (sql) => eastern.unsafe<Row[]>(sql);
      anchorBeforeSeed = await demoWarehouseAnchor((sql) => eastern.unsafe<{ anchor: string }[]>(sql));
      seeded = await seedDemoWarehouse((sql) => eastern.unsafe(sql).simple(), { anchor: ANCHOR });
      first = await checksums(query);
    }, 120_000);

    afterAll(async () => {
      await eastern?.end({ timeout: 5 });
      await utc?.end({ timeout: 5 });
      await admin?.unsafe(`drop database if exists ${database} with (force)`);
      await admin?.end({ timeout: 5 });
    });

    it('generates over a million rows with the counts it reports, and records the anchor', async () => {
      expect(Object.values(seeded.tables).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_000_000);
      for (const [table, reported] of Object.entries(seeded.tables)) {
        expect(await scalar(query, `select count(*)::int as v from ${table}`)).toBe(reported);
      }
      expect(anchorBeforeSeed).toBeNull();
      const anchor = await demoWarehouseAnchor((sql) => eastern.unsafe<{ anchor: string }[]>(sql));
      expect(anchor?.toISOString()).toBe(ANCHOR.toISOString());
      const gap = byKey('sessions_gap');
      expect(await countBetween(query, 'sessions', 'started_at', gap.startsAt, gap.endsAt)).toBe(0);
    });

    it('generates identical rows when seeded again from another session time zone', async () => {
      const again = await seedDemoWarehouse((sql) => utc.unsafe(sql).simple(), { anchor: ANCHOR });
      expect(again.tables).toEqual(seeded.tables);
      expect(await checksums(query)).toEqual(first);
    }, 60_000);

    it('generates the same rows as PGlite', (ctx) => {
      // Only the hash function and IEEE arithmetic decide the rows, so both engines agree.
      if (!pgliteChecksums.value) ctx.skip();
      expect(first).toEqual(pgliteChecksums.value);
    });
  });
