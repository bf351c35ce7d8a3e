/**
 * The ClickHouse adapter against a real clickhouse-server (Debian's 18.16 in CI), started once for this file:
 * the client's limits, kills and error kinds, the literals module on the wire, the service wiring (test, preview,
 * save, collect), the reaper's cancelling of a dead run's queries, and collection parity: the same rows in
 * Postgres (embedded, and the run's server when there is one) and in ClickHouse, the same metric definitions,
 * equal stored series.
 *
 * Setup is what costs, so it is shared: one server and one app database for the file (each test makes its own
 * project). Most of what remains is PGlite: loading the app database and creating the embedded warehouse.
 *
 * Allowed differences, each documented in docs/clickhouse.md: percentiles use ClickHouse's `quantile`, which
 * interpolates like percentile_cont and is exact up to 8,192 rows per bucket (here every bucket has fewer), so
 * they and averages are compared to 1e-9; everything else must match exactly.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { breakdownValues, collectionRuns, metricValues, projects } from '@/db/schema';
import {
  cancelOrphanedQueries,
  collectProject,
  warehouseTagOf,
  type EngineDeps,
} from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';
import { reloadEnv } from '@/lib/env';
import { insertFactTable, insertRowFilter } from '@/lib/fact-tables/queries';
import { createFactTable, previewFactTable } from '@/lib/fact-tables/service';
import type { Logger } from '@/lib/log';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema, type MetricDefinition } from '@/lib/metrics/schemas';
import { createMetric } from '@/lib/metrics/service';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { findProjectBySlug } from '@/lib/projects/queries';
import { insertDataSource } from '@/lib/sources/queries';
import { createDataSource, testDataSource } from '@/lib/sources/service';
import { chIdentifier, chString } from '@/lib/warehouse/clickhouse-literals';
import { ClickHouseWarehouseClient } from '@/lib/warehouse/clients/clickhouse';
import { WarehouseError } from '@/lib/warehouse/errors';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { clickHouseAvailable, startClickHouse, type ClickHouseTestServer } from '../../helpers/clickhouse';
import { createTestProject, openTestDb } from '../../helpers/db';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';

const available = clickHouseAvailable();

// ---------------------------------------------------------------------------------------------------------------
// The same rows for both warehouses: five days around the 2026 spring DST change in Europe/Berlin.

const BASE = Date.UTC(2026, 2, 27); // 2026-03-27T00:00:00Z
const MINUTES = 5 * 24 * 60;
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA', 'MX', 'ES'];
const STATUSES = ['refunded', 'failed', 'completed', 'completed', 'completed'];

const pad = (n: number) => String(n).padStart(2, '0');
const utcText = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

type Event = {
  id: number;
  ts: string;
  user_id: number;
  amount: string;
  duration: number | null;
  status: string;
  country: string | null;
};

const EVENTS: Event[] = Array.from({ length: 2000 }, (_, k) => {
  const i = k + 1;
  return {
    id: i,
    ts: utcText(BASE + ((i * 137) % MINUTES) * 60_000),
    user_id: i % 97,
    amount: (((i * 7) % 500) / 10).toFixed(2),
    duration: i % 11 === 0 ? null : (i * 13) % 1000,
    status: STATUSES[i % 5] as string,
    country: i % 31 === 0 ? null : (COUNTRIES[i % 10] as string),
  };
});

const VISITS = Array.from({ length: 900 }, (_, k) => k + 1)
  .filter((i) => Math.floor(((i * 53) % MINUTES) / 60) % 24 !== 3)
  .map((i) => ({ id: i, ts: utcText(BASE + ((i * 53) % MINUTES) * 60_000) }));

const SIGNUPS = Array.from({ length: 300 }, (_, k) => ({
  id: k + 1,
  day: utcText(BASE + ((k * 7) % 6) * 86_400_000).slice(0, 10),
}));

const sqlText = (v: string | null) => (v === null ? 'null' : `'${v}'`);

const POSTGRES_SETUP = `
create table events (id int primary key, ts timestamptz not null, user_id int not null, amount numeric(10,2) not null,
  duration int, status text not null, country text);
insert into events values ${EVENTS.map(
  (e) =>
    `(${e.id}, '${e.ts}+00', ${e.user_id}, ${e.amount}, ${e.duration ?? 'null'}, '${e.status}', ${sqlText(e.country)})`,
).join(',\n')};
create table visits (id int primary key, ts timestamptz not null);
insert into visits values ${VISITS.map((v) => `(${v.id}, '${v.ts}+00')`).join(',\n')};
create table signups (id int primary key, day date not null);
insert into signups values ${SIGNUPS.map((s) => `(${s.id}, '${s.day}')`).join(',\n')};
`;
const POSTGRES_TEARDOWN =
  'drop table if exists events; drop table if exists visits; drop table if exists signups';

async function loadClickHouse(server: ClickHouseTestServer) {
  await server.exec(`create table events (id Int32, ts DateTime, user_id Int32, amount Decimal(10, 2),
    duration Nullable(Int32), status LowCardinality(String), country Nullable(String))
    engine = MergeTree order by (ts, id)`);
  // 18.16 reads a Decimal in JSONEachRow only from a JSON number.
  await server.insert(
    'events',
    EVENTS.map((e) => ({ ...e, amount: Number(e.amount) })),
  );
  await server.exec('create table visits (id Int32, ts DateTime) engine = MergeTree order by (ts, id)');
  await server.insert('visits', VISITS);
  await server.exec('create table signups (id Int32, day Date) engine = MergeTree order by (day, id)');
  await server.insert('signups', SIGNUPS);
  await server.exec(`create table kinds (i8 Int8, u64 UInt64, f Float64, d Decimal(12, 3), n Nullable(Int32),
    s String, lc LowCardinality(Nullable(String)), day Date, at DateTime, tokyo DateTime('Asia/Tokyo'))
    engine = Memory`);
  await server.exec(`insert into kinds values (-3, 18446744073709551615, 0.5, 12.345, null, 'x', null,
    '2026-03-01', '2026-03-01 12:00:00', '2026-03-01 12:00:00')`);
}

const LIMITS = { timeoutMs: 10_000, maxRows: 1_000 };

const NOW = new Date('2026-04-01T00:30:00Z');
const POLICY: CollectionPolicy = {
  lookback: { hour: 3, day: 2, week: 1 },
  history: { hour: 24 * 7, day: 10, week: 4 },
  chunk: { hour: 48, day: 30, week: 52 },
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!available)('ClickHouse warehouse adapter', () => {
  const savedHosts = process.env.ALLOWED_OUTBOUND_HOSTS;
  let server: ClickHouseTestServer;
  let client: ClickHouseWarehouseClient;
  /** One app database for the file (a PGlite copy costs seconds to load); each test makes its own project. */
  let handle: DbHandle;

  beforeAll(async () => {
    // The services connect through the outbound guard, which refuses loopback unless it is allowed.
    process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
    reloadEnv();
    server = await startClickHouse();
    // Reported so CI logs show what the ClickHouse tests cost.
    console.info(`clickhouse-server answered after ${server.startupMs} ms`);
    await loadClickHouse(server);
    client = ClickHouseWarehouseClient.connect(server.reader, { queryIdPrefix: 'sightline-test' });
    handle = await openTestDb();
  }, 120_000);

  afterAll(async () => {
    process.env.ALLOWED_OUTBOUND_HOSTS = savedHosts;
    reloadEnv();
    await client?.close();
    await server?.stop();
    await handle?.close();
  }, 60_000);

  const running = async (prefix: string) =>
    Number(
      (
        await server.exec(
          `select count() from system.processes where startsWith(query_id, ${chString(prefix)}) format TSV`,
        )
      ).trim(),
    );

  describe('the client', () => {
    it('tests the connection: version and latency', async () => {
      const info = await client.test();
      expect(info.version).toMatch(/^ClickHouse \d+\.\d+/);
      expect(info.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('runs every query with readonly=1, the time limit and the row cap as settings', async () => {
      const { rows } = await client.runSelect(
        `select name, value from system.settings where name in ('readonly', 'max_execution_time',
          'max_result_rows', 'result_overflow_mode', 'timeout_overflow_mode') order by name`,
        [],
        { timeoutMs: 7_000, maxRows: 123 },
      );
      expect(Object.fromEntries(rows.map((r) => [r.name, r.value]))).toEqual({
        readonly: '1',
        max_execution_time: '7',
        max_result_rows: '123',
        result_overflow_mode: 'throw',
        timeout_overflow_mode: 'throw',
      });
    });

    it('maps column types to type buckets and reads values as the Postgres clients do', async () => {
      const { columns, rows } = await client.runSelect('select * from kinds', [], LIMITS);
      expect(columns.map((c) => [c.name, c.nativeType, c.type])).toEqual([
        ['i8', 'Int8', 'number'],
        ['u64', 'UInt64', 'number'],
        ['f', 'Float64', 'number'],
        ['d', 'Decimal(12, 3)', 'number'],
        ['n', 'Nullable(Int32)', 'number'],
        ['s', 'String', 'string'],
        ['lc', 'LowCardinality(Nullable(String))', 'string'],
        ['day', 'Date', 'timestamp'],
        ['at', 'DateTime', 'timestamp'],
        ['tokyo', "DateTime('Asia/Tokyo')", 'timestamp'],
      ]);
      const [row] = rows;
      expect(row).toMatchObject({ i8: -3, u64: '18446744073709551615', f: 0.5, n: null, s: 'x', lc: null });
      expect(Number(row?.d)).toBe(12.345);
      expect((row?.day as Date).toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect((row?.at as Date).toISOString()).toBe('2026-03-01T12:00:00.000Z');
      // Stored as the instant of 12:00 in Tokyo.
      expect((row?.tokyo as Date).toISOString()).toBe('2026-03-01T03:00:00.000Z');
    });

    it('sends literals that round-trip: quotes, backslashes, NUL, newlines, unicode and odd identifiers', async () => {
      const texts = [
        "it's",
        'back\\slash\\',
        'nul\u0000byte',
        'line\nbreak\r\ttab',
        'ünïcödé 😀 ✓',
        "\\'; drop",
        '`',
      ];
      const names = ['we`ird', 'back\\tick`\\', 'new\nline', 'ünï 😀', 'select'];
      const sql = `select ${texts.map((t, i) => `${chString(t)} as ${chIdentifier(`t${i}`)}`).join(', ')}, ${names
        .map((n, i) => `${i} as ${chIdentifier(n)}`)
        .join(', ')}`;
      const { columns, rows } = await client.runSelect(sql, [], LIMITS);
      expect(texts.map((_, i) => rows[0]?.[`t${i}`])).toEqual(texts);
      expect(columns.slice(texts.length).map((c) => c.name)).toEqual(names);
    });

    it('binds {{start}} and {{end}} as DateTime literals, never inside strings or comments', async () => {
      const { rows } = await client.runSelect(
        `select count() as n, '{{start}}' as text -- {{end}}
         from events where ts >= {{start}} and ts < {{end}}`,
        ['2026-03-28T00:00:00.000Z', new Date('2026-03-29T00:00:00Z')],
        LIMITS,
      );
      const want = EVENTS.filter((e) => e.ts >= '2026-03-28' && e.ts < '2026-03-29').length;
      expect(Number(rows[0]?.n)).toBe(want);
      expect(rows[0]?.text).toBe('{{start}}');
    });

    it('refuses SETTINGS, FORMAT, table functions and second statements before sending anything', async () => {
      // Nothing listens on this port: a request would fail as a refused connection, not as the guard's refusal.
      const nowhere = ClickHouseWarehouseClient.connect({ ...server.reader, port: 1 });
      try {
        for (const sql of [
          'select 1 settings readonly = 0',
          'select 1 SETTINGS max_execution_time = 0',
          'select 1 format TabSeparated',
          "select * from url('http://example.com/x.csv', CSV, 'a String')",
          "select * from file('/etc/passwd', TSV, 'line String')",
          "select * from remote('127.0.0.1', system.one)",
          "select * from s3('http://x/y', 'CSV')",
          'select sleep(3)',
          'select 1; select 2',
          "select 1 into outfile '/tmp/x'",
        ]) {
          const error = await nowhere.runSelect(sql, [], LIMITS).catch((e: unknown) => e);
          expect(error, sql).toBeInstanceOf(WarehouseError);
          expect((error as WarehouseError).message, sql).toMatch(/refused by the SQL guard/);
        }
      } finally {
        await nowhere.close();
      }
    });

    it('fails a result larger than the cap instead of truncating it', async () => {
      const error = await client
        .runSelect('select number from system.numbers limit 1010', [], { timeoutMs: 10_000, maxRows: 1_000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).kind).toBe('too_large');
      const ok = await client.runSelect('select number from system.numbers limit 1000', [], {
        timeoutMs: 10_000,
        maxRows: 1_000,
      });
      expect(ok.rows).toHaveLength(1_000);
    });

    it('stops a long query at max_execution_time and leaves nothing running', async () => {
      const started = performance.now();
      const error = await client
        .runSelect('select count() from system.numbers where number % 7 = 11', [], {
          timeoutMs: 1_000,
          maxRows: 10,
        })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).kind).toBe('timeout');
      expect(elapsed).toBeLessThan(5_000);
      expect(await running('sightline-test')).toBe(0);
    });

    it('kills the query by its id when the caller aborts', async () => {
      const controller = new AbortController();
      const pending = client
        .runSelect(
          'select count() from system.numbers where number % 7 = 11',
          [],
          { timeoutMs: 60_000, maxRows: 10 },
          { signal: controller.signal },
        )
        .catch((e: unknown) => e);
      // Wait until the server runs it, so the abort has something to kill.
      for (let i = 0; i < 100 && (await running('sightline-test')) === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await running('sightline-test')).toBe(1);
      const started = performance.now();
      controller.abort();
      const error = await pending;
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).kind).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await running('sightline-test')).toBe(0);
    });

    it('classifies errors, with messages that name no host', async () => {
      const kindOf = async (c: WarehouseClient, sql: string) => {
        const error = await c.runSelect(sql, [], LIMITS).catch((e: unknown) => e);
        expect(error, sql).toBeInstanceOf(WarehouseError);
        const { kind, message } = error as WarehouseError;
        expect(message).not.toMatch(/127\.0\.0\.1|localhost|Stack trace|e\.what|DB::Exception/);
        return { kind, message };
      };
      expect(await kindOf(client, 'select 1 2')).toMatchObject({ kind: 'syntax' });
      expect(await kindOf(client, 'select no_such_column from events')).toMatchObject({
        kind: 'unknown_object',
        message: expect.stringMatching(/no_such_column/),
      });
      expect(await kindOf(client, 'select * from no_such_table')).toMatchObject({
        kind: 'unknown_object',
        message: expect.stringMatching(/no_such_table/),
      });
      const wrongPassword = ClickHouseWarehouseClient.connect({ ...server.reader, password: 'wrong' });
      const refused = ClickHouseWarehouseClient.connect({ ...server.reader, port: 1 });
      try {
        const auth = await kindOf(wrongPassword, 'select 1');
        expect(auth.kind).toBe('auth');
        expect(auth.message).not.toContain('wrong');
        const connection = await kindOf(refused, 'select 1');
        expect(connection.kind).toBe('connection');
        expect((await refused.test().catch((e: unknown) => e)) as WarehouseError).toMatchObject({
          kind: 'connection',
          retryable: true,
        });
      } finally {
        await wrongPassword.close();
        await refused.close();
      }
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // Services: an admin saves and tests the source, an editor previews and saves a fact table and a metric, and
  // collection fills its series — no test doubles between the services and the server.

  /** What an admin enters for the test server. */
  const sourceInput = (name: string) => ({
    kind: 'clickhouse',
    name,
    host: '127.0.0.1',
    port: server.httpPort,
    protocol: 'http',
    database: 'default',
    user: server.reader.user,
    password: server.reader.password,
  });

  describe('a ClickHouse data source, end to end', () => {
    it('connects, previews, saves a fact table and a metric, and collects', async () => {
      const fixture = await createTestProject(handle.db, 'ClickHouse source');
      const source = await createDataSource({ ctx: fixture.ctx('admin'), input: sourceInput('ClickHouse') });
      const tested = await testDataSource({ ctx: fixture.ctx('admin'), input: { id: source.id } });
      expect(tested).toMatchObject({ ok: true, version: expect.stringMatching(/^ClickHouse /) });

      const editor = fixture.ctx('editor');
      const preview = await previewFactTable({
        ctx: editor,
        input: { dataSourceId: source.id, sql: 'select id, ts, status, country from events' },
      });
      expect(preview.timestampColumns).toEqual(['ts']);
      expect(preview.capped).toBe(true);
      expect(preview.columns.find((c) => c.name === 'status')).toMatchObject({
        nativeType: 'LowCardinality(String)',
        type: 'string',
      });

      const refused = await previewFactTable({
        ctx: editor,
        input: { dataSourceId: source.id, sql: 'select * from events settings max_threads = 1' },
      }).catch((e: unknown) => e);
      expect((refused as { fieldErrors?: Record<string, string> }).fieldErrors?.sql).toMatch(/SETTINGS/);

      const factTable = await createFactTable({
        ctx: editor,
        input: {
          name: 'Events',
          dataSourceId: source.id,
          sql: 'select id, ts, status, country from events',
          timestampColumn: 'ts',
          identifierColumns: ['id'],
          rowFilters: [{ name: 'completed', expression: "status = 'completed'" }],
        },
      });
      const metric = await createMetric({
        ctx: editor,
        input: {
          name: 'Completed events',
          interval: 'day',
          lifecycle: 'active',
          definition: {
            kind: 'fact',
            shape: 'single',
            operand: {
              factTableId: factTable.id,
              aggregation: 'count',
              column: null,
              rowFilterIds: [factTable.rowFilters[0]!.id],
            },
          },
        },
      });
      const project = await findProjectBySlug(handle.db, fixture.project.slug);
      const report = await collectProject(
        { db: handle.db, now: () => new Date('2026-04-01T00:30:00Z'), detect: false },
        { project: project!, trigger: 'manual', request: { metricIds: [metric.id] } },
      );
      expect(report?.run).toMatchObject({ status: 'completed', metricsFailed: 0 });
      const values = await handle.db.select().from(metricValues).where(eq(metricValues.metricId, metric.id));
      const perDay = new Map<string, number>();
      for (const e of EVENTS.filter((x) => x.status === 'completed')) {
        perDay.set(
          `${e.ts.slice(0, 10)}T00:00:00.000Z`,
          (perDay.get(`${e.ts.slice(0, 10)}T00:00:00.000Z`) ?? 0) + 1,
        );
      }
      expect(new Map(values.map((v) => [v.bucketStart.toISOString(), v.value]))).toEqual(perDay);
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // The reaper: a run whose worker died leaves its query running in ClickHouse (the server notices a vanished
  // client only when it writes the result); the next tick kills it by the run's tag, and nothing else.

  describe('cancelling the queries of a reaped run', () => {
    // system.numbers never ends: the scan runs until it is killed or reaches max_execution_time (60 s here).
    const ENDLESS =
      "select number as id, toDateTime('2026-03-31 00:00:00', 'UTC') + number % 86400 as ts from system.numbers";
    /** Scans of ENDLESS running under a query_id prefix (a client's first query reads settings, not this). */
    const scanning = async (prefix: string) =>
      Number(
        await server.exec(
          `select count() from system.processes where startsWith(query_id, ${chString(prefix)})
           and position(query, 'system.numbers') > 0 format TSV`,
        ),
      );

    it("kills the reaped run's query early, leaves another run's running, and logs what it did", async () => {
      const fixture = await createTestProject(handle.db, 'ClickHouse reaper');
      const source = await createDataSource({ ctx: fixture.ctx('admin'), input: sourceInput('ClickHouse') });
      // A source whose server is gone: the reaper logs the failure and goes on with the others.
      const gone = await createDataSource({
        ctx: fixture.ctx('admin'),
        input: { ...sourceInput('Gone'), port: 1 },
      });
      const factTable = await createFactTable({
        ctx: fixture.ctx('editor'),
        input: {
          name: 'Endless',
          dataSourceId: source.id,
          sql: ENDLESS,
          timestampColumn: 'ts',
          identifierColumns: ['id'],
          rowFilters: [],
        },
      });
      const metric = await createMetric({
        ctx: fixture.ctx('editor'),
        input: {
          name: 'Endless count',
          interval: 'hour',
          lifecycle: 'active',
          definition: {
            kind: 'fact',
            shape: 'single',
            operand: { factTableId: factTable.id, aggregation: 'count', column: null, rowFilterIds: [] },
          },
        },
      });
      const project = await findProjectBySlug(handle.db, fixture.project.slug);

      // Another run's query on the same server as the same user, tagged as the engine tags a run's queries.
      const otherTag = warehouseTagOf(randomUUID());
      const other = ClickHouseWarehouseClient.connect(server.reader, { queryIdPrefix: otherTag });
      const stopOther = new AbortController();
      const signal = stopOther.signal;
      const otherQuery = other
        .runSelect(`select count() from (${ENDLESS})`, [], { timeoutMs: 60_000, maxRows: 10 }, { signal })
        .catch((e: unknown) => e);
      // The engine's own client: default openClient, so the run's queries carry the run's tag.
      const collecting = collectProject(
        {
          db: handle.db,
          now: () => NOW,
          policy: POLICY,
          detect: false,
          retry: { attempts: 1, baseDelayMs: 1 },
        },
        { project: project!, trigger: 'manual', request: { metricIds: [metric.id] } },
      );
      collecting.catch(() => {});
      try {
        const run = await waitFor('the run to start', async () => {
          const [row] = await handle.db
            .select()
            .from(collectionRuns)
            .where(
              and(eq(collectionRuns.projectId, fixture.project.id), eq(collectionRuns.status, 'running')),
            );
          return row;
        });
        const tag = warehouseTagOf(run.id);
        await waitFor(
          'both scans to run in ClickHouse',
          async () => (await scanning(`${tag}-`)) === 1 && (await scanning(`${otherTag}-`)) === 1,
        );

        const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
        const log: Logger = {
          debug: (msg, fields) => logged.push({ level: 'debug', msg, fields }),
          info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
          warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
          error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
          child: () => log,
        };
        await cancelOrphanedQueries({ db: handle.db, log }, [run]);
        // Cancelled, long before the query's 60 s limit.
        let timer: NodeJS.Timeout | undefined;
        const report = await Promise.race([
          collecting,
          new Promise<'still running'>((resolve) => (timer = setTimeout(resolve, 15_000, 'still running'))),
        ]);
        clearTimeout(timer);
        if (report === 'still running')
          throw new Error("the reaped run's query was still running after 15 s");
        expect(report?.run.details).toEqual([
          expect.objectContaining({
            metricId: metric.id,
            status: 'failed',
            error: expect.stringMatching(/^Fact table "Endless": Query was cancelled/),
          }),
        ]);
        await waitFor(
          "the run's query to leave the process list",
          async () => (await running(`${tag}-`)) === 0,
        );
        expect(await scanning(`${otherTag}-`)).toBe(1);
        expect(logged).toEqual([
          {
            level: 'warn',
            msg: 'cancelled warehouse queries of a reaped run',
            fields: { runId: run.id, dataSourceId: source.id, queries: 1 },
          },
          {
            level: 'warn',
            msg: 'cancelling warehouse queries of a reaped run failed',
            fields: { runId: run.id, dataSourceId: gone.id, error: expect.any(String) },
          },
        ]);
      } finally {
        stopOther.abort();
        // Whatever failed above, nothing of this test runs on (tests of this file run one at a time).
        await server.exec(`kill query where user = ${chString(server.reader.user)} sync`);
        await collecting.catch(() => {});
      }
      expect(await otherQuery).toMatchObject({ kind: 'timeout', message: 'The query was cancelled' });
      await other.close();
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // Parity: the engine collects the same definitions from Postgres and from ClickHouse.

  const ZONE = 'Europe/Berlin';

  type Side = { projectId: string; slug: string; metricIds: Map<string, string> };

  /** Defines the fact tables, filters and metrics on one source; the SQL metric is written in its dialect. */
  async function defineSide(
    db: DbHandle['db'],
    warehouse: WarehouseClient,
    kind: 'embedded' | 'clickhouse',
  ): Promise<Side> {
    const fixture = await createTestProject(
      db,
      kind === 'clickhouse' ? 'Parity ClickHouse' : 'Parity Postgres',
    );
    await db.update(projects).set({ timeZone: ZONE }).where(eq(projects.id, fixture.project.id));
    const projectId = fixture.project.id;
    const source = await insertDataSource(db, {
      projectId,
      name: 'Warehouse',
      kind,
      config:
        kind === 'clickhouse'
          ? { host: 'clickhouse.example.com', port: 8443, protocol: 'https', database: 'default', user: 'r' }
          : {},
    });
    const table = async (name: string, sql: string, timestampColumn: string) => {
      const { columns } = await warehouse.runSelect(`select * from (\n${sql}\n) as q limit 0`, [], LIMITS);
      return insertFactTable(db, {
        projectId,
        dataSourceId: source.id,
        name,
        sql,
        timestampColumn,
        columns: columns.map(({ name: n, type, nativeType }) => ({ name: n, type, nativeType })),
      });
    };
    const events = await table(
      'events',
      'select id, ts, user_id, amount, duration, status, country from events',
      'ts',
    );
    const visits = await table('visits', 'select id, ts from visits', 'ts');
    const signups = await table('signups', 'select id, day from signups', 'day');
    const filter = (name: string, expression: string) =>
      insertRowFilter(db, { projectId, factTableId: events.id, name, expression });
    const completed = await filter('completed', "status = 'completed'");
    const failed = await filter('failed', "status = 'failed'");
    const german = await filter('german', "country = 'DE'");

    const single = (
      aggregation: string,
      column: string | null,
      filters: string[] = [],
      breakdowns: string[] = [],
      topN = 10,
      factTableId = events.id,
    ) => ({
      kind: 'fact',
      shape: 'single',
      operand: { factTableId, aggregation, column, rowFilterIds: filters },
      breakdowns,
      topN,
    });
    const sqlMetric =
      kind === 'clickhouse'
        ? 'select toStartOfHour(ts) as bucket, count() as value from events where ts >= {{start}} and ts < {{end}} group by bucket'
        : "select date_trunc('hour', ts) as bucket, count(*) as value from events where ts >= {{start}} and ts < {{end}} group by 1";
    const specs: { name: string; interval?: string; definition: unknown }[] = [
      { name: 'count', definition: single('count', null) },
      { name: 'count completed', definition: single('count', null, [completed.id]) },
      {
        name: 'count duration, completed german',
        definition: single('count', 'duration', [completed.id, german.id]),
      },
      { name: 'distinct users completed', definition: single('count_distinct', 'user_id', [completed.id]) },
      { name: 'revenue', definition: single('sum', 'amount', [completed.id]) },
      { name: 'avg amount', definition: single('avg', 'amount') },
      { name: 'avg amount german', definition: single('avg', 'amount', [german.id]) },
      { name: 'min duration', definition: single('min', 'duration') },
      { name: 'max duration failed german', definition: single('max', 'duration', [failed.id, german.id]) },
      ...(['p50', 'p90', 'p95', 'p99'] as const).map((p) => ({
        name: `${p} duration`,
        definition: single(p, 'duration'),
      })),
      {
        name: 'daily p90 duration completed',
        interval: 'day',
        definition: single('p90', 'duration', [completed.id]),
      },
      { name: 'daily avg amount', interval: 'day', definition: single('avg', 'amount') },
      {
        name: 'daily distinct users by country',
        interval: 'day',
        definition: single('count_distinct', 'user_id', [], ['country'], 3),
      },
      {
        name: 'daily completed revenue by country',
        interval: 'day',
        definition: single('sum', 'amount', [completed.id], ['country'], 3),
      },
      {
        name: 'daily p50 duration by status',
        interval: 'day',
        definition: single('p50', 'duration', [], ['status'], 2),
      },
      { name: 'weekly count', interval: 'week', definition: single('count', null) },
      { name: 'daily signups', interval: 'day', definition: single('count', null, [], [], 10, signups.id) },
      {
        name: 'completion rate',
        definition: {
          kind: 'fact',
          shape: 'ratio',
          numerator: {
            factTableId: events.id,
            aggregation: 'count',
            column: null,
            rowFilterIds: [completed.id],
          },
          denominator: { factTableId: events.id, aggregation: 'count', column: null, rowFilterIds: [] },
        },
      },
      {
        name: 'events per visit',
        definition: {
          kind: 'fact',
          shape: 'ratio',
          numerator: { factTableId: events.id, aggregation: 'count', column: null, rowFilterIds: [] },
          denominator: { factTableId: visits.id, aggregation: 'count', column: null, rowFilterIds: [] },
        },
      },
      {
        name: 'sql hourly events',
        definition: { kind: 'sql', dataSourceId: source.id, sql: sqlMetric, valueKind: 'count' },
      },
    ];
    const metricIds = new Map<string, string>();
    for (const spec of specs) {
      const input = metricInputSchema.parse({
        name: spec.name,
        interval: spec.interval ?? 'hour',
        lifecycle: 'active',
        definition: spec.definition,
      });
      const row = await insertMetric(db, {
        ...input,
        projectId,
        kind: input.definition.kind,
        valueKind: valueKindOf(input.definition as MetricDefinition),
        dependencies: [],
      });
      metricIds.set(spec.name, row.id);
    }
    return { projectId, slug: fixture.project.slug, metricIds };
  }

  const TOLERANT = /^(p\d\d|daily p\d\d|avg|daily avg|completion rate|events per visit)/;

  for (const target of warehouseTargets({ setupSql: POSTGRES_SETUP, teardownSql: POSTGRES_TEARDOWN })) {
    describe(`collection parity with the ${target.name}`, () => {
      let warehouse: OpenedTarget;
      let postgresSide: Side;
      let clickhouseSide: Side;

      const deps = (): EngineDeps => ({
        db: handle.db,
        now: () => NOW,
        policy: POLICY,
        detect: false,
        retry: { attempts: 1, baseDelayMs: 1 },
        openClient: async (source) => ({
          client: source.kind === 'clickhouse' ? client : warehouse.client,
          release: async () => {},
        }),
      });

      const collect = async (side: Side) => {
        const project = await findProjectBySlug(handle.db, side.slug);
        const report = await collectProject(deps(), { project: project!, trigger: 'manual', request: {} });
        return report!.run;
      };

      const seriesOf = async (metricId: string) => {
        const rows = await handle.db
          .select({ bucket: metricValues.bucketStart, value: metricValues.value })
          .from(metricValues)
          .where(eq(metricValues.metricId, metricId))
          .orderBy(asc(metricValues.bucketStart));
        return rows.map((r) => [r.bucket.toISOString(), r.value] as const);
      };

      const partsOf = async (metricId: string) => {
        const rows = await handle.db
          .select()
          .from(breakdownValues)
          .where(and(eq(breakdownValues.metricId, metricId)))
          .orderBy(asc(breakdownValues.bucketStart), asc(breakdownValues.dimensionValue));
        return rows.map(
          (r) => [r.bucketStart.toISOString(), r.dimension, r.dimensionValue, r.value] as const,
        );
      };

      beforeAll(async () => {
        warehouse = await target.open();
        postgresSide = await defineSide(handle.db, warehouse.client, 'embedded');
        clickhouseSide = await defineSide(handle.db, client, 'clickhouse');
      }, 120_000);

      afterAll(async () => {
        await warehouse?.cleanup();
      });

      it('stores the same series and breakdowns from both warehouses', async () => {
        const pgRun = await collect(postgresSide);
        const chRun = await collect(clickhouseSide);
        expect(pgRun.details.filter((d) => d.status !== 'ok')).toEqual([]);
        expect(chRun.details.filter((d) => d.status !== 'ok')).toEqual([]);
        expect(chRun).toMatchObject({ status: 'completed', metricsFailed: 0 });

        for (const [name, pgId] of postgresSide.metricIds) {
          const chId = clickhouseSide.metricIds.get(name) as string;
          const want = await seriesOf(pgId);
          const got = await seriesOf(chId);
          expect(want.length, name).toBeGreaterThan(name === 'weekly count' ? 0 : 3);
          expect(
            got.map(([bucket]) => bucket),
            name,
          ).toEqual(want.map(([bucket]) => bucket));
          want.forEach(([bucket, value], i) => {
            const other = got[i]?.[1] ?? null;
            if (value === null) expect(other, `${name} @ ${bucket}`).toBeNull();
            else if (TOLERANT.test(name)) expect(other, `${name} @ ${bucket}`).toBeCloseTo(value, 9);
            else expect(other, `${name} @ ${bucket}`).toBe(value);
          });
          const wantParts = await partsOf(pgId);
          const gotParts = await partsOf(chId);
          expect(
            gotParts.map((p) => p.slice(0, 3)),
            name,
          ).toEqual(wantParts.map((p) => p.slice(0, 3)));
          wantParts.forEach(([bucket, , label, value], i) => {
            const other = gotParts[i]?.[3] ?? null;
            if (value === null) expect(other, `${name} ${label} @ ${bucket}`).toBeNull();
            else expect(other, `${name} ${label} @ ${bucket}`).toBeCloseTo(value, 9);
          });
        }
      });

      it('aligns buckets in the project time zone across the DST change', async () => {
        const daily = await seriesOf(clickhouseSide.metricIds.get('daily signups') as string);
        // Berlin midnight is 23:00 UTC before 2026-03-29 and 22:00 UTC from then on.
        expect(daily.map(([bucket]) => bucket)).toEqual(
          expect.arrayContaining([
            '2026-03-27T23:00:00.000Z',
            '2026-03-28T23:00:00.000Z',
            '2026-03-29T22:00:00.000Z',
          ]),
        );
        const weekly = await seriesOf(clickhouseSide.metricIds.get('weekly count') as string);
        // The week from Monday 2026-03-23 00:00 in Berlin; the next one has not ended at NOW.
        expect(weekly).toEqual([
          ['2026-03-22T23:00:00.000Z', EVENTS.filter((e) => e.ts < '2026-03-29 22').length],
        ]);
        const breakdown = await partsOf(
          clickhouseSide.metricIds.get('daily distinct users by country') as string,
        );
        expect(breakdown.some(([, , label]) => label === '(other)')).toBe(true);
      });
    });
  }
});
