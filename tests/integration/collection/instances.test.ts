/**
 * Several instances sharing collection through one database: every (metric, bucket) is written exactly once
 * whichever collector claims it, and a collector killed mid-query loses nothing — once its lease expires another
 * takes the work over, and the warehouse query it left running is cancelled.
 *
 * Every metric-value write is counted by a trigger this file adds to its own scratch database (a BEFORE INSERT
 * row trigger on metric_values fires for every upserted row, and rolls back with its transaction). The policy has
 * no lookback, so a re-collected bucket would show as a second write.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import { and, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryRows, type Db, type DbHandle } from '@/db/client';
import { collectionRuns, metrics, metricValues } from '@/db/schema';
import { scheduledTick, type EngineDeps } from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';
import { insertFactTable } from '@/lib/fact-tables/queries';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertDataSource } from '@/lib/sources/queries';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { createTestProject, openIsolatedTestDb } from '../../helpers/db';

const serverUrl = inject('testDatabaseUrl');
const HOUR = 3_600_000;
/** The collectors' clock starts five minutes after this bucket boundary; the warehouse holds the 72 h before it. */
const BASE = new Date('2026-03-10T10:00:00Z');
const CLOCK_START = BASE.getTime() + 5 * 60_000;
const WINDOW_START = new Date(BASE.getTime() - 48 * HOUR);
const BUCKETS = 48;
const POLICY: CollectionPolicy = {
  lookback: { hour: 0, day: 0, week: 0 },
  history: { hour: BUCKETS, day: 10, week: 4 },
  chunk: { hour: 12, day: 30, week: 52 },
};
const SHARDS = 6;
const ROWS = 12_000;

const WAREHOUSE_SQL = [
  `create table events (shard int not null, ts timestamptz not null, user_id int not null, amount numeric(10,2) not null)`,
  `insert into events
   select i % ${SHARDS}, timestamptz '${BASE.toISOString()}' - ((i * 7919) % 4320) * interval '1 minute' - interval '30 seconds',
          i % 53, ((i * 37) % 1000) / 10.0
   from generate_series(1, ${ROWS}) as i`,
];

type Row = { shard: number; ts: number; userId: number; amount: number };
/** The warehouse rows, generated again here so expected values do not come from the system under test. */
const ROWS_IN_JS: Row[] = Array.from({ length: ROWS }, (_, k) => {
  const i = k + 1;
  return {
    shard: i % SHARDS,
    ts: BASE.getTime() - ((i * 7919) % 4320) * 60_000 - 30_000,
    userId: i % 53,
    amount: ((i * 37) % 1000) / 10,
  };
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)] as number;
  const hi = sorted[Math.ceil(mid)] as number;
  return lo + (hi - lo) * (mid - Math.floor(mid));
};

const AGGREGATES = [
  { name: 'orders', aggregation: 'count', column: null, compute: (r: Row[]) => r.length },
  {
    name: 'revenue',
    aggregation: 'sum',
    column: 'amount',
    compute: (r: Row[]) => r.reduce((s, x) => s + x.amount, 0),
  },
  {
    name: 'average order',
    aggregation: 'avg',
    column: 'amount',
    compute: (r: Row[]) => r.reduce((s, x) => s + x.amount, 0) / r.length,
  },
  {
    name: 'largest order',
    aggregation: 'max',
    column: 'amount',
    compute: (r: Row[]) => Math.max(...r.map((x) => x.amount)),
  },
  {
    name: 'buyers',
    aggregation: 'count_distinct',
    column: 'user_id',
    compute: (r: Row[]) => new Set(r.map((x) => x.userId)).size,
  },
  {
    name: 'median order',
    aggregation: 'p50',
    column: 'amount',
    compute: (r: Row[]) => median(r.map((x) => x.amount)),
  },
] as const;

/** Expected hourly values of an aggregate over one shard, for every bucket of the collected window. */
function expectedSeries(shard: number, compute: (rows: Row[]) => number): Map<string, number> {
  const expected = new Map<string, number>();
  for (let b = 0; b < BUCKETS; b++) {
    const start = WINDOW_START.getTime() + b * HOUR;
    const rows = ROWS_IN_JS.filter((r) => r.shard === shard && r.ts >= start && r.ts < start + HOUR);
    expected.set(new Date(start).toISOString(), compute(rows));
  }
  return expected;
}

type Planted = { projectId: string; metricId: string; shard: number; compute: (rows: Row[]) => number };

/** A project per shard, each with its own data source and fact table and one metric per aggregate. */
async function plantProjects(
  db: Db,
  opts: {
    projects: number;
    source: () => { kind: 'embedded' | 'postgres'; config: Record<string, unknown> };
    factTableSql: (shard: number) => string;
  },
): Promise<Planted[]> {
  const planted: Planted[] = [];
  for (let shard = 0; shard < opts.projects; shard++) {
    const { project } = await createTestProject(db, `Instances ${shard}`);
    const source = await insertDataSource(db, { projectId: project.id, name: 'Warehouse', ...opts.source() });
    const factTable = await insertFactTable(db, {
      projectId: project.id,
      dataSourceId: source.id,
      name: 'orders',
      sql: opts.factTableSql(shard),
      timestampColumn: 'ts',
      columns: [
        { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
        { name: 'amount', type: 'number', nativeType: 'numeric' },
        { name: 'user_id', type: 'number', nativeType: 'int4' },
      ],
    });
    for (const aggregate of AGGREGATES) {
      const metric = await insertActiveMetric(db, project.id, aggregate.name, {
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: factTable.id, aggregation: aggregate.aggregation, column: aggregate.column },
      });
      planted.push({ projectId: project.id, metricId: metric.id, shard, compute: aggregate.compute });
    }
  }
  return planted;
}

async function insertActiveMetric(db: Db, projectId: string, name: string, definition: unknown) {
  const input = metricInputSchema.parse({ name, interval: 'hour', lifecycle: 'active', definition });
  return insertMetric(db, {
    ...input,
    projectId,
    kind: input.definition.kind,
    valueKind: valueKindOf(input.definition),
    dependencies: [],
  });
}

/** The test's write counter: one row per metric_values row any transaction inserted or upserted and committed. */
async function countValueWrites(db: Db): Promise<void> {
  await db.execute(
    sql.raw(`create table test_value_writes (metric_id uuid not null, bucket_start timestamptz not null)`),
  );
  await db.execute(
    sql.raw(`create function test_count_value_write() returns trigger language plpgsql as $$
      begin insert into test_value_writes values (new.metric_id, new.bucket_start); return new; end $$`),
  );
  await db.execute(
    sql.raw(`create trigger test_count_value_writes before insert on metric_values
      for each row execute function test_count_value_write()`),
  );
}

async function writesPerBucket(db: Db, metricIds: string[]): Promise<Map<string, number>> {
  const rows = await queryRows<{ metric_id: string; bucket: string; n: number }>(
    db,
    sql`select metric_id, to_char(bucket_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') as bucket,
          count(*)::int as n
        from test_value_writes where metric_id in (${sql.join(
          metricIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) group by 1, 2`,
  );
  return new Map(rows.map((r) => [`${r.metric_id} ${r.bucket}`, r.n]));
}

/** Every planted metric: exactly one write per bucket of the window, none outside it, and the right values. */
async function expectCollectedExactlyOnce(db: Db, planted: Planted[]) {
  const ids = planted.map((p) => p.metricId);
  const writes = await writesPerBucket(db, ids);
  const expectedKeys = planted.flatMap((p) =>
    [...expectedSeries(p.shard, p.compute).keys()].map((bucket) => `${p.metricId} ${bucket}`),
  );
  expect([...writes.keys()].sort()).toEqual([...expectedKeys].sort());
  expect([...writes.entries()].filter(([, n]) => n !== 1)).toEqual([]);

  const stored = await db
    .select({ metricId: metricValues.metricId, bucket: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(inArray(metricValues.metricId, ids));
  for (const p of planted) {
    const expected = expectedSeries(p.shard, p.compute);
    const mine = stored.filter((s) => s.metricId === p.metricId);
    expect(mine).toHaveLength(expected.size);
    for (const s of mine)
      expect(s.value, `${p.metricId} ${s.bucket.toISOString()}`).toBeCloseTo(
        expected.get(s.bucket.toISOString()) as number,
        6,
      );
  }
}

/**
 * What the runs say: each metric's successful windows, over every completed run, tile the collected window
 * with no overlap (a second collection of a window would overlap).
 */
async function expectRunWindowsTile(db: Db, planted: Planted[]) {
  const projectIds = [...new Set(planted.map((p) => p.projectId))];
  const runs = await db.select().from(collectionRuns).where(inArray(collectionRuns.projectId, projectIds));
  for (const p of planted) {
    const windows = runs
      .filter((r) => r.status === 'completed')
      .flatMap((r) =>
        r.details.filter((d) => d.metricId === p.metricId && d.status === 'ok' && d.valuesWritten > 0),
      )
      .map((d) => [Date.parse(d.windowStart as string), Date.parse(d.windowEnd as string)] as const)
      .sort((a, b) => a[0] - b[0]);
    let covered = WINDOW_START.getTime();
    for (const [start, end] of windows) {
      expect(start, p.metricId).toBe(covered);
      covered = end;
    }
    expect(covered, p.metricId).toBe(BASE.getTime());
  }
  expect(runs.filter((r) => r.status === 'running')).toEqual([]);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function allCollected(db: Db, metricIds: string[]): Promise<boolean> {
  const rows = await db
    .select({ watermark: metrics.watermark, claimed: metrics.claimedByRunId })
    .from(metrics)
    .where(inArray(metrics.id, metricIds));
  return rows.every((r) => r.watermark?.getTime() === BASE.getTime() && r.claimed === null);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('three collectors in one process', () => {
  let handle: DbHandle;
  let dir: string;
  let warehouse: WarehouseClient;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-instances-'));
    const pg = await PGlite.create(dir);
    for (const statement of WAREHOUSE_SQL) await pg.exec(statement);
    await pg.close();
    warehouse = new EmbeddedWarehouseClient(dir);
    handle = await openIsolatedTestDb();
    await countValueWrites(handle.db);
  });

  afterAll(async () => {
    await warehouse?.close();
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('share the due metrics of several projects and write every bucket exactly once', async () => {
    const planted = await plantProjects(handle.db, {
      projects: 3,
      source: () => ({ kind: 'embedded', config: {} }),
      factTableSql: (shard) => `SELECT ts, amount, user_id FROM events WHERE shard = ${shard}`,
    });
    const ids = planted.map((p) => p.metricId);
    // A little warehouse latency, so the collectors' ticks overlap.
    const slow: WarehouseClient = {
      dialect: warehouse.dialect,
      runSelect: async (...args) => {
        await sleep(20);
        return warehouse.runSelect(...args);
      },
      test: () => warehouse.test(),
      close: async () => {},
    };
    const offset = CLOCK_START - Date.now();
    const collector = async (name: string) => {
      const deps: EngineDeps = {
        db: handle.db,
        now: () => new Date(Date.now() + offset),
        policy: POLICY,
        leaseMs: 60_000,
        workerId: `in-process-${name}`,
        openClient: async () => ({ client: slow, release: async () => {} }),
      };
      const runIds: string[] = [];
      const deadline = Date.now() + 50_000;
      while (!(await allCollected(handle.db, ids)) && Date.now() < deadline) {
        const report = await scheduledTick(deps, { budgetMs: 50_000 });
        runIds.push(...report.runs.map((r) => r.run.id));
        if (report.runs.length === 0) await sleep(20);
      }
      return runIds;
    };
    const runIds = await Promise.all(['a', 'b', 'c'].map(collector));

    await expectCollectedExactlyOnce(handle.db, planted);
    await expectRunWindowsTile(handle.db, planted);
    // No run was made twice over: the collectors' runs are distinct and together are every run there is.
    const all = runIds.flat();
    expect(new Set(all).size).toBe(all.length);
    const stored = await handle.db
      .select({ id: collectionRuns.id })
      .from(collectionRuns)
      .where(inArray(collectionRuns.projectId, [...new Set(planted.map((p) => p.projectId))]));
    expect(stored.map((r) => r.id).sort()).toEqual([...all].sort());
  });
});

type Collector = {
  name: string;
  child: ChildProcess;
  events: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

// Registered only with a server: a skipped test would read as a gap in the run's report.
if (serverUrl)
  describe('three collector processes on one Postgres server', () => {
    const LEASE_MS = 8_000;
    /** How long the gated warehouse query sleeps: far longer than the lease, shorter than statement_timeout. */
    const GATED_SLEEP_S = 50;
    let handle: DbHandle;
    let admin: postgres.Sql;
    let warehouseDb: postgres.Sql;
    let appName: string;
    let warehouseName: string;
    const collectors: Collector[] = [];
    const server = new URL(serverUrl || 'postgres://localhost');

    const urlOf = (database: string) => {
      const url = new URL(server);
      url.pathname = `/${database}`;
      return url.toString();
    };

    const startCollector = (name: string): Collector => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/collector-process.ts'], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          COLLECTOR_DATABASE_URL: urlOf(appName),
          COLLECTOR_NAME: name,
          COLLECTOR_CLOCK_OFFSET: String(CLOCK_START - Date.now()),
          COLLECTOR_LEASE_MS: String(LEASE_MS),
          COLLECTOR_POLICY: JSON.stringify(POLICY),
          COLLECTOR_PAUSE_MS: '150',
          ALLOWED_OUTBOUND_HOSTS: `${server.hostname},127.0.0.1,::1`,
          LOG_LEVEL: 'warn',
        },
      });
      const collector: Collector = {
        name,
        child,
        events: [],
        stderr: [],
        exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
      };
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        try {
          collector.events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          collector.stderr.push(line);
        }
      });
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) =>
        collector.stderr.push(line),
      );
      collectors.push(collector);
      return collector;
    };

    const runsBy = (collector: Collector) =>
      collector.events.filter((e) => e.event === 'run').map((e) => e.runId as string);

    const postgresSource = () => ({
      kind: 'postgres' as const,
      config: {
        host: server.hostname,
        port: Number(server.port || 5432),
        database: warehouseName,
        user: decodeURIComponent(server.username),
        sslmode: 'disable',
      },
    });

    const advisoryLocks = async () => {
      const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
      where l.locktype = 'advisory' and d.datname in (${appName}, ${warehouseName})`;
      return row?.n;
    };

    beforeAll(async () => {
      admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      handle = await openIsolatedTestDb();
      const [current] = await queryRows<{ name: string }>(handle.db, sql`select current_database() as name`);
      appName = current?.name as string;
      warehouseName = `sightline_wh_${randomBytes(4).toString('hex')}`;
      await admin.unsafe(`create database ${warehouseName}`);
      warehouseDb = postgres(urlOf(warehouseName), { max: 1, onnotice: () => {} });
      for (const statement of WAREHOUSE_SQL) await warehouseDb.unsafe(statement);
      // A little latency on every scan, and a gate that holds a query for far longer than the lease.
      await warehouseDb.unsafe(`create function wh_pause(seconds float8) returns boolean language plpgsql as $$
      begin perform pg_sleep(seconds); return true; end $$`);
      await warehouseDb.unsafe(
        `create view events_slow as select * from events where (select wh_pause(0.05))`,
      );
      await warehouseDb.unsafe(`create table gate (closed boolean not null)`);
      await warehouseDb.unsafe(`create function wh_gate() returns boolean language plpgsql as $$
      begin if exists (select 1 from gate) then perform pg_sleep(${GATED_SLEEP_S}); end if; return true; end $$`);
      await warehouseDb.unsafe(`create view events_gated as select * from events where (select wh_gate())`);
      await countValueWrites(handle.db);

      for (const name of ['1', '2', '3']) startCollector(name);
      await waitFor(
        'three collectors to start',
        async () => collectors.every((c) => c.events.some((e) => e.event === 'ready')),
        90_000,
      );
    }, 180_000);

    afterAll(async () => {
      for (const c of collectors)
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(collectors.map((c) => c.exited));
      await warehouseDb?.end({ timeout: 5 });
      await handle?.close();
      if (warehouseName) await admin.unsafe(`drop database if exists ${warehouseName} with (force)`);
      await admin?.end({ timeout: 5 });
    });

    it('share the due metrics of every project and collect each (metric, bucket) exactly once', async () => {
      const planted = await handle.db.transaction((tx) =>
        plantProjects(tx as unknown as Db, {
          projects: SHARDS,
          source: postgresSource,
          factTableSql: (shard) => `SELECT ts, amount, user_id FROM events_slow WHERE shard = ${shard}`,
        }),
      );
      expect(planted.length).toBeGreaterThanOrEqual(30);
      const ids = planted.map((p) => p.metricId);
      await waitFor('every metric to be collected', () => allCollected(handle.db, ids), 120_000);

      await expectCollectedExactlyOnce(handle.db, planted);
      await expectRunWindowsTile(handle.db, planted);
      // The work was shared: more than one process made runs, each run was reported by one process only, and the
      // processes' runs are every run of these projects (a process reports a run when its tick ends).
      const projectIds = [...new Set(planted.map((p) => p.projectId))];
      const stored = await handle.db
        .select({ id: collectionRuns.id })
        .from(collectionRuns)
        .where(inArray(collectionRuns.projectId, projectIds));
      await waitFor('the collectors to report every run', async () =>
        stored.every((r) => collectors.some((c) => runsBy(c).includes(r.id))),
      );
      const byCollector = collectors.map((c) => runsBy(c).filter((id) => stored.some((r) => r.id === id)));
      expect(byCollector.filter((runs) => runs.length > 0).length).toBeGreaterThanOrEqual(2);
      const all = byCollector.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(stored.length);
      expect(await advisoryLocks()).toBe(0);
    }, 180_000);

    it('a collector killed mid-query: after its lease another takes over, its warehouse query is cancelled, nothing is lost', async () => {
      await warehouseDb.unsafe(`insert into gate values (true)`);
      const planted = await handle.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const { project } = await createTestProject(db, 'Instances killed');
        const source = await insertDataSource(db, {
          projectId: project.id,
          name: 'Warehouse',
          ...postgresSource(),
        });
        const slowSql = await insertActiveMetric(db, project.id, 'orders (sql)', {
          kind: 'sql',
          dataSourceId: source.id,
          sql: `select date_trunc('hour', ts) as bucket, count(*) as value from events_gated
              where shard = 0 and ts >= {{start}} and ts < {{end}} group by 1`,
          valueKind: 'count',
        });
        const factTable = await insertFactTable(db, {
          projectId: project.id,
          dataSourceId: source.id,
          name: 'orders',
          sql: 'SELECT ts, amount, user_id FROM events_slow WHERE shard = 0',
          timestampColumn: 'ts',
          columns: [
            { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
            { name: 'amount', type: 'number', nativeType: 'numeric' },
            { name: 'user_id', type: 'number', nativeType: 'int4' },
          ],
        });
        const [count, revenue] = [AGGREGATES[0], AGGREGATES[1]];
        const facts = await Promise.all(
          [count, revenue].map((a) =>
            insertActiveMetric(db, project.id, a.name, {
              kind: 'fact',
              shape: 'single',
              operand: { factTableId: factTable.id, aggregation: a.aggregation, column: a.column },
            }),
          ),
        );
        return [
          { projectId: project.id, metricId: slowSql.id, shard: 0, compute: count.compute },
          {
            projectId: project.id,
            metricId: (facts[0] as { id: string }).id,
            shard: 0,
            compute: count.compute,
          },
          {
            projectId: project.id,
            metricId: (facts[1] as { id: string }).id,
            shard: 0,
            compute: revenue.compute,
          },
        ] satisfies Planted[];
      });
      const ids = planted.map((p) => p.metricId);
      const projectId = (planted[0] as Planted).projectId;

      // Some collector claims the project and sits in the gated query.
      const held = await waitFor('a collector to sit in the gated query', async () => {
        const [row] = await warehouseDb<{ application_name: string; pid: number }[]>`
        select application_name, pid from pg_stat_activity
        where datname = ${warehouseName} and state = 'active' and application_name like 'sightline-warehouse run=%'
          and query like '%events_gated%'`;
        return row;
      });
      const runId = held.application_name.slice('sightline-warehouse run='.length);
      const [run] = await handle.db.select().from(collectionRuns).where(eq(collectionRuns.id, runId));
      expect(run).toMatchObject({ projectId, status: 'running' });
      const claimed = await handle.db
        .select({ id: metrics.id })
        .from(metrics)
        .where(and(inArray(metrics.id, ids), eq(metrics.claimedByRunId, runId)));
      expect(claimed).toHaveLength(ids.length);
      const victim = collectors.find((c) => run?.lockedBy === `collector-${c.name}`) as Collector;
      expect(victim).toBeDefined();

      victim.child.kill('SIGKILL');
      expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      // The query of the dead collector runs on in the warehouse: Postgres does not notice a vanished client.
      const [orphan] = await warehouseDb<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where application_name = ${held.application_name}`;
      expect(orphan?.n).toBe(1);
      await warehouseDb.unsafe(`delete from gate`);

      await waitFor('another collector to finish the work', () => allCollected(handle.db, ids), 90_000);
      const tookMs = Date.now() - killedAt;
      expect(tookMs).toBeLessThan(GATED_SLEEP_S * 1000 - 15_000);

      const [reaped] = await handle.db.select().from(collectionRuns).where(eq(collectionRuns.id, runId));
      expect(reaped).toMatchObject({ status: 'failed', details: [] });
      expect(reaped?.error).toMatch(/stopped responding/);
      const takeover = (
        await handle.db.select().from(collectionRuns).where(eq(collectionRuns.projectId, projectId))
      ).filter((r) => r.id !== runId);
      expect(takeover.map((r) => r.status)).toEqual(['completed']);
      const survivors = collectors.filter((c) => c !== victim);
      const takeoverId = (takeover[0] as { id: string }).id;
      await waitFor('a surviving collector to report the takeover run', async () =>
        survivors.some((c) => runsBy(c).includes(takeoverId)),
      );

      await expectCollectedExactlyOnce(handle.db, planted);
      await expectRunWindowsTile(handle.db, planted);

      // The reaper cancelled the dead run's warehouse query long before its sleep would have ended.
      await waitFor(
        "the dead run's warehouse query to be gone",
        async () => {
          const [row] = await warehouseDb<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where application_name = ${held.application_name}`;
          return row?.n === 0;
        },
        5_000,
      );
      expect(Date.now() - killedAt).toBeLessThan(GATED_SLEEP_S * 1000 - 10_000);
      const [appBackends] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where application_name = ${`sightline-collector-${victim.name}`}`;
      expect(appBackends?.n).toBe(0);
      expect(await advisoryLocks()).toBe(0);

      // The survivors are still running and stop cleanly.
      for (const c of survivors) {
        expect(c.child.exitCode).toBeNull();
        c.child.kill('SIGTERM');
        expect(await c.exited).toEqual({ code: 0, signal: null });
      }
    }, 180_000);
  });
