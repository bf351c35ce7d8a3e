// Benchmark of the collection engine on a Postgres server: `npm run bench -- collect [--smoke] [--rows N]
// [--metrics M] [--repeat R] [--default-chunks] [--explain]`.
//
// Builds a scratch warehouse database with an `events` fact table of N rows over 60 days (generate_series, an
// index on ts) and a scratch app database with M hourly metrics on it, then times, on the same server:
//   engine        a full backfill through collectProject: planning, guard, one scan + one breakdown query, writes
//   per_metric    one query per metric (per ratio operand, per breakdown), run one after the other
//   single_query  the best hand-written statement computing every aggregate in one pass, plus the breakdown's
//                 own grouped query (the engine also runs the breakdown as a second query)
//   floor         select date_trunc('hour', ts), count(*) from events group by 1
//   incremental   a cron tick collecting the newest hour plus the lookback, at N and N/10 rows
// The engine's stored values are checked against the single query's (a mismatch throws). Progress goes to
// stderr, one JSON object to stdout. Exits 1 when a target is missed, except with --smoke (20,000 rows, which
// only proves the benchmark runs). Connects to DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres;
// both scratch databases are dropped at the end.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db, DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import * as schema from '@/db/schema';
import { breakdownValues, metrics, metricValues } from '@/db/schema';
import { collectProject, type EngineDeps, type RunReport } from '@/lib/collection/engine';
import type { ProjectRow } from '@/lib/collection/queries';
import { DEFAULT_POLICY, type CollectionPolicy } from '@/lib/collection/windows';
import { insertFactTable, insertRowFilter } from '@/lib/fact-tables/queries';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema, type Aggregation } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertProject } from '@/lib/projects/queries';
import { insertDataSource } from '@/lib/sources/queries';
import { PostgresWarehouseClient, type PostgresConnection } from '@/lib/warehouse/clients/postgres';
import type { QueryLimits, QueryResult, WarehouseClient } from '@/lib/warehouse/types';
import { positiveFlag } from './flags';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DAYS = 60;
/** The data ends here; the clock sits half an hour into the next hour, so every hour of data is settled. */
const END = new Date('2026-11-23T00:00:00Z');
const START = new Date(END.getTime() - DAYS * 86_400_000);
const NOW = new Date(END.getTime() + 30 * 60_000);
const HOUR_MS = 3_600_000;
/** Whole-window scans of 10M rows take longer than the engine's 60 s default. */
const LIMITS: QueryLimits = { timeoutMs: 600_000, maxRows: 200_000 };
const TOP_N = 10;
const TICKS = 5;
const TARGETS = { perMetricOverEngine: 3, engineOverSingleQuery: 1.2, incrementalMs: 100 };

/** One chunk covers the whole table; history too (a first tick would collect everything). */
const WHOLE_WINDOW_POLICY: CollectionPolicy = {
  lookback: DEFAULT_POLICY.lookback,
  history: { ...DEFAULT_POLICY.history, hour: 24 * (DAYS + 1) },
  chunk: { ...DEFAULT_POLICY.chunk, hour: 24 * (DAYS + 1) },
};

type Flags = {
  smoke: boolean;
  rows: number;
  metrics: number;
  repeat: number;
  defaultChunks: boolean;
  explain: boolean;
};

type FilterName = 'completed' | 'ios' | 'us';
const FILTERS: Record<FilterName, string> = {
  completed: "status = 'completed'",
  ios: "platform = 'ios'",
  us: "country = 'US'",
};

type Agg = { aggregation: Aggregation; column: string | null; filters: FilterName[] };
type MetricSpec =
  | { name: string; shape: 'single'; value: Agg; breakdown?: string }
  | { name: string; shape: 'ratio'; numerator: Agg; denominator: Agg };
type Catalog = { project: ProjectRow; ids: string[]; specs: (MetricSpec & { id: string })[] };

const agg = (aggregation: Aggregation, column: string | null, ...filters: FilterName[]): Agg => ({
  aggregation,
  column,
  filters,
});

/** Every aggregation, three row filters, two ratios, one breakdown: 20 metrics, 17 distinct aggregates. */
const BASE_METRICS: MetricSpec[] = [
  { name: 'events', shape: 'single', value: agg('count', null) },
  { name: 'completed events', shape: 'single', value: agg('count', null, 'completed') },
  { name: 'iOS events', shape: 'single', value: agg('count', null, 'ios') },
  { name: 'US events', shape: 'single', value: agg('count', null, 'us') },
  { name: 'active users', shape: 'single', value: agg('count_distinct', 'user_id') },
  { name: 'iOS active users', shape: 'single', value: agg('count_distinct', 'user_id', 'ios') },
  { name: 'gross amount', shape: 'single', value: agg('sum', 'amount') },
  { name: 'revenue', shape: 'single', value: agg('sum', 'amount', 'completed') },
  { name: 'US revenue', shape: 'single', value: agg('sum', 'amount', 'completed', 'us') },
  { name: 'average amount', shape: 'single', value: agg('avg', 'amount') },
  { name: 'iOS average duration', shape: 'single', value: agg('avg', 'duration_ms', 'ios') },
  { name: 'min duration', shape: 'single', value: agg('min', 'duration_ms') },
  { name: 'max duration', shape: 'single', value: agg('max', 'duration_ms') },
  { name: 'p50 duration', shape: 'single', value: agg('p50', 'duration_ms') },
  { name: 'p90 duration', shape: 'single', value: agg('p90', 'duration_ms') },
  { name: 'p95 duration', shape: 'single', value: agg('p95', 'duration_ms') },
  { name: 'p99 duration', shape: 'single', value: agg('p99', 'duration_ms') },
  {
    name: 'revenue by country',
    shape: 'single',
    value: agg('sum', 'amount', 'completed'),
    breakdown: 'country',
  },
  {
    name: 'completion rate',
    shape: 'ratio',
    numerator: agg('count', null, 'completed'),
    denominator: agg('count', null),
  },
  {
    name: 'average order value',
    shape: 'ratio',
    numerator: agg('sum', 'amount', 'completed'),
    denominator: agg('count', null, 'completed'),
  },
];

/** Beyond 20 metrics: more aggregates under other filter combinations. */
function metricSpecs(count: number): MetricSpec[] {
  const specs = BASE_METRICS.slice(0, count);
  const values: [Aggregation, string | null][] = [
    ['sum', 'amount'],
    ['avg', 'duration_ms'],
    ['max', 'amount'],
    ['p90', 'duration_ms'],
    ['count_distinct', 'user_id'],
    ['count', 'duration_ms'],
  ];
  const filterSets: FilterName[][] = [
    ['completed', 'ios'],
    ['us'],
    ['ios', 'us'],
    ['completed', 'us'],
    ['ios'],
  ];
  const taken = new Set(BASE_METRICS.flatMap((m) => (m.shape === 'single' ? [aggKey(m.value)] : [])));
  for (const filters of filterSets) {
    for (const [aggregation, column] of values) {
      if (specs.length >= count) return specs;
      const value = agg(aggregation, column, ...filters);
      if (taken.has(aggKey(value))) continue;
      taken.add(aggKey(value));
      specs.push({ name: `${aggregation} ${column} ${filters.join(' ')}`, shape: 'single', value });
    }
  }
  if (specs.length < count) throw new Error(`At most ${specs.length} metrics are defined.`);
  return specs;
}

function aggKey(a: Agg): string {
  return `${a.aggregation}|${a.column ?? '*'}|${[...a.filters].sort().join(',')}`;
}

const PERCENTILES: Partial<Record<Aggregation, string>> = {
  p50: '0.5',
  p90: '0.9',
  p95: '0.95',
  p99: '0.99',
};
const COUNT_LIKE: ReadonlySet<Aggregation> = new Set(['count', 'count_distinct', 'sum']);

function callOf(a: Agg): string {
  const percentile = PERCENTILES[a.aggregation];
  if (percentile !== undefined) return `percentile_cont(${percentile}) within group (order by ${a.column})`;
  if (a.aggregation === 'count') return a.column === null ? 'count(*)' : `count(${a.column})`;
  if (a.aggregation === 'count_distinct') return `count(distinct ${a.column})`;
  return `${a.aggregation}(${a.column})`;
}

function filterClause(a: Agg): string {
  return a.filters.length === 0 ? '' : ` filter (where ${a.filters.map((f) => FILTERS[f]).join(' and ')})`;
}

const HOUR = "date_trunc('hour', ts)";
const IN_WINDOW = 'ts >= $1::timestamptz and ts < $2::timestamptz';

/** The naive way: one statement per aggregate, its filters in WHERE. */
function perAggregateSql(table: string, a: Agg): string {
  const where = [IN_WINDOW, ...a.filters.map((f) => FILTERS[f])].join(' and ');
  return `select ${HOUR} as bucket, ${callOf(a)} as value from ${table} where ${where} group by 1 order by 1`;
}

/** The hand-written single pass: every distinct aggregate once, as a FILTER column. */
function singlePass(
  table: string,
  specs: readonly MetricSpec[],
): { sql: string; aliases: Map<string, string> } {
  const aliases = new Map<string, string>();
  const columns: string[] = [];
  const add = (a: Agg) => {
    if (aliases.has(aggKey(a))) return;
    const alias = `c${aliases.size}`;
    aliases.set(aggKey(a), alias);
    columns.push(`${callOf(a)}${filterClause(a)} as ${alias}`);
  };
  for (const s of specs) {
    if (s.shape === 'single') add(s.value);
    else {
      add(s.numerator);
      add(s.denominator);
    }
  }
  const sql = `select ${HOUR} as bucket,\n  ${columns.join(',\n  ')}\nfrom ${table} where ${IN_WINDOW}\ngroup by 1 order by 1`;
  return { sql, aliases };
}

/**
 * A breakdown written by hand for an aggregate that folds (count, sum, min, max): one grouped pass by
 * (hour, value), rank the values by rows within the hour, fold everything past the top N into `(other)`.
 */
function breakdownSql(table: string, a: Agg, dimension: string): string {
  const fold = { count: 'sum', sum: 'sum', min: 'min', max: 'max' }[a.aggregation as string];
  if (fold === undefined) throw new Error(`No hand-written breakdown for ${a.aggregation}.`);
  return [
    'with cells as (',
    `  select ${HOUR} as bucket, coalesce(${dimension}::text, '(null)') as dimension_value,`,
    `    count(*) as n, ${callOf(a)}${filterClause(a)} as v`,
    `  from ${table} where ${IN_WINDOW} group by 1, 2`,
    '), ranked as (',
    '  select *, row_number() over (partition by bucket order by n desc, dimension_value) as rank from cells',
    ')',
    `select bucket, case when rank <= ${TOP_N} then dimension_value else '(other)' end as dimension_value,`,
    `  ${fold}(v) as value`,
    'from ranked group by 1, 2 order by 1, 2',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

/** Times every statement sent through it; the engine's scans and breakdowns show up here. */
class TimedClient implements WarehouseClient {
  readonly dialect = 'postgres' as const;
  readonly statements: { sql: string; params: readonly unknown[]; ms: number }[] = [];

  constructor(private readonly inner: WarehouseClient) {}

  async runSelect(sql: string, params: readonly unknown[], limits: QueryLimits): Promise<QueryResult> {
    const started = performance.now();
    const result = await this.inner.runSelect(sql, params, limits);
    this.statements.push({ sql, params, ms: performance.now() - started });
    return result;
  }

  test() {
    return this.inner.test();
  }

  close() {
    return this.inner.close();
  }
}

function parseFlags(args: string[]): Flags {
  const smoke = args.includes('--smoke');
  const read = (name: string, fallback: number) => positiveFlag(args, name, fallback);
  return {
    smoke,
    rows: read('rows', smoke ? 20_000 : 1_000_000),
    metrics: read('metrics', BASE_METRICS.length),
    repeat: read('repeat', smoke ? 1 : 3),
    defaultChunks: args.includes('--default-chunks'),
    explain: args.includes('--explain'),
  };
}

const note = (message: string) => console.error(`[collect bench] ${message}`);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function connectionOf(url: URL): PostgresConnection {
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)),
    user: decodeURIComponent(url.username) || 'postgres',
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

function withDatabase(url: URL, database: string): URL {
  const copy = new URL(url);
  copy.pathname = `/${database}`;
  return copy;
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const serverUrl = new URL(process.env.DATABASE_URL || DEFAULT_URL);
  const suffix = randomBytes(4).toString('hex');
  const warehouseName = `sightline_bench_${suffix}`;
  const appName = `sightline_bench_${suffix}_app`;
  const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
  const closers: (() => Promise<unknown>)[] = [];
  // Once, whichever comes first: the end of the run, a failure, or Ctrl-C.
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const close of closers.reverse()) await close().catch(() => {});
      for (const name of [appName, warehouseName]) {
        await admin.unsafe(`drop database if exists ${name} with (force)`).catch((error: unknown) => {
          note(`could not drop ${name}: ${String(error)}`);
        });
      }
      await admin.end({ timeout: 5 });
    })());
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const result = await run(flags, { admin, serverUrl, warehouseName, appName, closers });
    const t = result.targets;
    note(
      `${result.rows.toLocaleString('en-US')} rows, ${result.metrics} metrics: engine ${result.ms.engine} ms, ` +
        `per metric ${result.ms.per_metric} ms, single query ${result.ms.single_query} ms, floor ${result.ms.floor} ms; ` +
        `incremental ${JSON.stringify(result.ms.incremental)} ms`,
    );
    for (const [name, target] of Object.entries(t)) {
      note(
        `  ${name} ${JSON.stringify(target.value)} (target ${target.target}): ${target.pass ? 'pass' : 'MISSED'}`,
      );
    }
    console.log(JSON.stringify(result, null, 2));
    if (!result.pass) {
      note(flags.smoke ? 'a target was missed (smoke run: not a failure)' : 'a target was missed');
      if (!flags.smoke) process.exitCode = 1;
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function run(
  flags: Flags,
  env: {
    admin: postgres.Sql;
    serverUrl: URL;
    warehouseName: string;
    appName: string;
    closers: (() => Promise<unknown>)[];
  },
) {
  const { admin, serverUrl, warehouseName, appName, closers } = env;
  const loadAtStart = os.loadavg()[0] as number;
  const smallRows = Math.floor(flags.rows / 10);
  const specs = metricSpecs(flags.metrics);

  // The warehouse: events (N rows over 60 days) and events_small (its newest N/10 rows, same rows per hour).
  note(`building ${warehouseName}: ${flags.rows.toLocaleString('en-US')} rows`);
  await admin.unsafe(`create database ${warehouseName}`);
  await admin.unsafe(`alter database ${warehouseName} set timezone to 'UTC'`);
  const warehouseUrl = withDatabase(serverUrl, warehouseName);
  const writer = postgres(warehouseUrl.toString(), { max: 1, onnotice: () => {} });
  closers.push(() => writer.end({ timeout: 5 }));
  const buildStarted = performance.now();
  await buildWarehouse(writer, flags.rows, smallRows);
  const buildMs = performance.now() - buildStarted;
  const [{ version }] = (await writer`select version() as version`) as unknown as [{ version: string }];

  // The app database, migrated like any install.
  note(`migrating ${appName}`);
  await admin.unsafe(`create database ${appName}`);
  const app = openAppDb(withDatabase(serverUrl, appName).toString());
  closers.push(() => app.handle.close());
  await migrateDb(app.handle);
  const db = app.handle.db;
  const big = await createCatalog(db, { slug: 'bench', table: 'events', specs });
  const small = await createCatalog(db, { slug: 'bench-small', table: 'events_small', specs });

  const connection = connectionOf(warehouseUrl);
  const client = PostgresWarehouseClient.connect(connection, { maxConnections: 1 });
  closers.push(() => client.close());
  // As for a stored Postgres source: a fresh single-connection client per run, closed when the run ends.
  let lastEngineClient: TimedClient | null = null;
  const deps = (policy: CollectionPolicy): EngineDeps => ({
    db,
    now: () => NOW,
    policy,
    limits: LIMITS,
    retry: { attempts: 1, baseDelayMs: 1 },
    // Collection alone: anomaly detection has its own benchmark.
    detect: false,
    openClient: async () => {
      const timed = new TimedClient(PostgresWarehouseClient.connect(connection, { maxConnections: 1 }));
      lastEngineClient = timed;
      return { client: timed, release: () => timed.close() };
    },
  });
  const probe: Probe = { appStatements: app.statements, lastClient: () => lastEngineClient };
  const policy = flags.defaultChunks ? DEFAULT_POLICY : WHOLE_WINDOW_POLICY;
  const window = [START.toISOString(), END.toISOString()] as const;
  const query = (sql: string) => client.runSelect(sql, sql.includes('$1') ? window : [], LIMITS);

  await query('select count(*) as n from events');
  await query('select count(*) as n from events_small');

  const single = singlePass('events', specs);
  const breakdownSpecs = specs.filter(
    (s): s is Extract<MetricSpec, { shape: 'single' }> & { breakdown: string } =>
      Boolean(s.shape === 'single' && s.breakdown),
  );
  const breakdowns = breakdownSpecs.map((s) => ({
    spec: s,
    sql: breakdownSql('events', s.value, s.breakdown),
  }));
  const naive = specs.flatMap((s) =>
    s.shape === 'single'
      ? [
          perAggregateSql('events', s.value),
          ...(s.breakdown ? [breakdownSql('events', s.value, s.breakdown)] : []),
        ]
      : [perAggregateSql('events', s.numerator), perAggregateSql('events', s.denominator)],
  );

  const samples = {
    floor: [] as number[],
    singleMain: [] as number[],
    singleBreakdown: [] as number[],
    perMetric: [] as number[],
    engine: [] as number[],
  };
  const engineRuns: EngineRun[] = [];
  let singleRows: QueryResult | null = null;
  let breakdownRows: QueryResult[] = [];
  const backfill = () =>
    collectProject(deps(policy), {
      project: big.project,
      trigger: 'backfill',
      request: { metricIds: big.ids, start: window[0], end: window[1] },
    });

  for (let round = 1; round <= flags.repeat; round++) {
    note(`round ${round}/${flags.repeat}: floor, single query, per metric, engine`);
    samples.floor.push(
      await time(() => query(`select ${HOUR} as bucket, count(*) as n from events group by 1`)),
    );
    samples.singleMain.push(
      await time(async () => {
        singleRows = await query(single.sql);
      }),
    );
    samples.singleBreakdown.push(
      await time(async () => {
        breakdownRows = [];
        for (const b of breakdowns) breakdownRows.push(await query(b.sql));
      }),
    );
    samples.perMetric.push(
      await time(async () => {
        for (const sql of naive) await query(sql);
      }),
    );
    const measured = await timeEngine(probe, backfill);
    samples.engine.push(measured.ms);
    engineRuns.push(measured);
  }
  if (!singleRows) throw new Error('The single query did not run.');
  const verified = await verify(db, big, single.aliases, singleRows, breakdownSpecs, breakdownRows);
  note(
    `verified: ${verified.values} values and ${verified.breakdownValues} breakdown values match the single query`,
  );

  // The engine under the default policy: 14-day chunks, one scan and one breakdown query per chunk.
  let defaultPolicyRun: EngineRun | null = null;
  if (!flags.defaultChunks) {
    note('engine with the default policy (14-day chunks)');
    defaultPolicyRun = await timeEngine(probe, () =>
      collectProject(deps(DEFAULT_POLICY), {
        project: big.project,
        trigger: 'backfill',
        request: { metricIds: big.ids, start: window[0], end: window[1] },
      }),
    );
  }

  // Incremental ticks: the watermark one hour behind, so the newest hour plus the lookback is due.
  const ticks = [
    { rows: flags.rows, ...(await timeTicks(db, probe, big, deps(policy))) },
    { rows: smallRows, ...(await timeTicks(db, probe, small, deps(policy))) },
  ];
  const incremental = Object.fromEntries(ticks.map((t) => [`rows_${t.rows}`, round(t.medianMs)]));

  if (flags.explain) {
    await explain(writer, [
      ...(engineRuns.at(-1)?.statementsSql ?? []).map((s, i) => ({
        label: `engine statement ${i + 1}`,
        ...s,
      })),
      { label: 'single query', sql: single.sql, params: window },
      ...breakdowns.map((b) => ({
        label: `single query: breakdown by ${b.spec.breakdown}`,
        sql: b.sql,
        params: window,
      })),
    ]);
  }

  const engineMs = median(samples.engine);
  const singleMs = median(samples.singleMain.map((v, i) => v + (samples.singleBreakdown[i] as number)));
  const perMetricMs = median(samples.perMetric);
  const floorMs = median(samples.floor);
  const ratios = {
    per_metric_over_engine: perMetricMs / engineMs,
    engine_over_single_query: engineMs / singleMs,
    engine_over_floor: engineMs / floorMs,
  };
  const targets = {
    per_metric_over_engine: {
      target: `>= ${TARGETS.perMetricOverEngine}`,
      value: round(ratios.per_metric_over_engine, 2),
      pass: ratios.per_metric_over_engine >= TARGETS.perMetricOverEngine,
    },
    engine_over_single_query: {
      target: `<= ${TARGETS.engineOverSingleQuery}`,
      value: round(ratios.engine_over_single_query, 2),
      pass: ratios.engine_over_single_query <= TARGETS.engineOverSingleQuery,
    },
    incremental_ms: {
      target: `< ${TARGETS.incrementalMs} at both sizes`,
      value: incremental,
      pass: ticks.every((t) => t.medianMs < TARGETS.incrementalMs),
    },
  };
  const engineDetail = summarizeEngineRuns(engineRuns);
  return {
    benchmark: 'collect',
    smoke: flags.smoke,
    at: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memGiB: round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      /** Other work on the machine skews every figure: 1-minute load averages at the start and the end. */
      load: [round(loadAtStart, 2), round(os.loadavg()[0] as number, 2)],
    },
    postgres: version,
    rows: flags.rows,
    smallRows,
    days: DAYS,
    hours: DAYS * 24,
    metrics: specs.length,
    aggregateColumns: single.aliases.size,
    breakdowns: breakdowns.length,
    policy: {
      chunk: flags.defaultChunks
        ? `default: ${DEFAULT_POLICY.chunk.hour} hours (${Math.ceil((DAYS * 24) / DEFAULT_POLICY.chunk.hour)} chunks)`
        : `whole window: ${WHOLE_WINDOW_POLICY.chunk.hour} hours (1 chunk)`,
      historyHours: policy.history.hour,
      lookbackHours: policy.lookback.hour,
      queryTimeoutMs: LIMITS.timeoutMs,
      anomalyDetection: 'off (collection alone)',
    },
    repeat: flags.repeat,
    buildMs: Math.round(buildMs),
    ms: {
      engine: round(engineMs),
      per_metric: round(perMetricMs),
      single_query: round(singleMs),
      floor: round(floorMs),
      ...(defaultPolicyRun ? { engine_default_chunks: round(defaultPolicyRun.ms) } : {}),
      incremental,
    },
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v, 2)])),
    detail: {
      engine: engineDetail,
      engine_default_chunks: defaultPolicyRun ? summarizeEngineRuns([defaultPolicyRun]) : null,
      single_query: {
        main_ms: round(median(samples.singleMain)),
        breakdown_ms: round(median(samples.singleBreakdown)),
        note: 'one statement for every aggregate, plus the breakdown as its own grouped query, as the engine does',
      },
      per_metric: { queries: naive.length, note: 'queries only, no writes' },
      incremental: ticks.map((t) => ({ ...t, medianMs: round(t.medianMs) })),
      samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))])),
    },
    verified,
    targets,
    pass: Object.values(targets).every((t) => t.pass),
  };
}

async function buildWarehouse(sql: postgres.Sql, rows: number, smallRows: number): Promise<void> {
  const span = (END.getTime() - START.getTime()) / 1000;
  const startEpoch = START.getTime() / 1000;
  await sql.unsafe(`create table events (
    id bigint not null,
    ts timestamptz not null,
    user_id int not null,
    amount numeric(10,2) not null,
    duration_ms int,
    status text not null,
    country text,
    platform text not null
  )`);
  // Deterministic columns, spread so filters and values are not correlated with each other or the hour.
  await sql.unsafe(`insert into events
    select i,
      to_timestamp(${startEpoch} + (i - 1) * ${span}::float8 / ${rows}),
      1 + (i * 2654435761) % 200000,
      ((i * 7919) % 50000) / 100.0,
      case when i % 23 = 0 then null else 20 + (i * 104729) % 3000 + ((i * 31) % 7) * ((i * 13) % 500) end,
      case (i * 37) % 20 when 0 then 'refunded' when 1 then 'failed' when 2 then 'failed' else 'completed' end,
      case when i % 41 = 0 then null
        else (array['US','DE','GB','FR','IN','BR','JP','CA','MX','ES','IT','NL','SE','PL','AU','KR'])
          [1 + greatest(0, ((i * 29) % 24)::int - 8)] end,
      (array['ios','android','web'])[1 + ((i * 53) % 3)::int]
    from generate_series(1::bigint, ${rows}::bigint) as i`);
  await sql.unsafe('create index events_ts on events (ts)');
  await sql.unsafe(`create table events_small as
    select * from events order by ts desc limit ${smallRows}`);
  await sql.unsafe('create index events_small_ts on events_small (ts)');
  await sql.unsafe('vacuum (freeze, analyze) events');
  await sql.unsafe('vacuum (freeze, analyze) events_small');
}

/** openDb's postgres.js setup, plus a count of the statements sent (the engine's app-database round trips). */
function openAppDb(url: string): { handle: DbHandle; statements: () => number } {
  let statements = 0;
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    connection: { application_name: 'sightline-bench' },
    debug: () => {
      statements += 1;
    },
  });
  const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    handle: { db, driver: 'postgres', close: () => client.end({ timeout: 5 }) },
    statements: () => statements,
  };
}

const EVENT_COLUMNS = [
  { name: 'id', type: 'number', nativeType: 'int8' },
  { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
  { name: 'user_id', type: 'number', nativeType: 'int4' },
  { name: 'amount', type: 'number', nativeType: 'numeric' },
  { name: 'duration_ms', type: 'number', nativeType: 'int4' },
  { name: 'status', type: 'string', nativeType: 'text' },
  { name: 'country', type: 'string', nativeType: 'text' },
  { name: 'platform', type: 'string', nativeType: 'text' },
] as const;

async function createCatalog(
  db: Db,
  input: { slug: string; table: string; specs: readonly MetricSpec[] },
): Promise<Catalog> {
  const project = await insertProject(db, {
    slug: input.slug,
    name: `Benchmark ${input.table}`,
    timeZone: 'UTC',
  });
  const source = await insertDataSource(db, {
    projectId: project.id,
    name: 'Benchmark warehouse',
    kind: 'embedded',
    config: {},
  });
  const factTable = await insertFactTable(db, {
    projectId: project.id,
    dataSourceId: source.id,
    name: input.table,
    sql: `select ${EVENT_COLUMNS.map((c) => c.name).join(', ')} from ${input.table}`,
    timestampColumn: 'ts',
    columns: [...EVENT_COLUMNS],
  });
  const filterIds = {} as Record<FilterName, string>;
  for (const [name, expression] of Object.entries(FILTERS) as [FilterName, string][]) {
    const row = await insertRowFilter(db, {
      projectId: project.id,
      factTableId: factTable.id,
      name,
      expression,
    });
    filterIds[name] = row.id;
  }
  const operand = (a: Agg) => ({
    factTableId: factTable.id,
    aggregation: a.aggregation,
    column: a.column,
    rowFilterIds: a.filters.map((f) => filterIds[f]),
  });
  const created: Catalog['specs'] = [];
  for (const spec of input.specs) {
    const definition =
      spec.shape === 'single'
        ? {
            kind: 'fact',
            shape: 'single',
            operand: operand(spec.value),
            breakdowns: spec.breakdown ? [spec.breakdown] : [],
            topN: TOP_N,
          }
        : {
            kind: 'fact',
            shape: 'ratio',
            numerator: operand(spec.numerator),
            denominator: operand(spec.denominator),
          };
    const parsed = metricInputSchema.parse({
      name: spec.name,
      interval: 'hour',
      lifecycle: 'active',
      definition,
    });
    const row = await insertMetric(db, {
      ...parsed,
      projectId: project.id,
      kind: parsed.definition.kind,
      valueKind: valueKindOf(parsed.definition),
      dependencies: [],
    });
    created.push({ ...spec, id: row.id });
  }
  return { project, ids: created.map((s) => s.id), specs: created };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

type EngineRun = {
  ms: number;
  /** CPU time of this process during the run: planning, the guard, assembling, building and encoding writes. */
  cpuMs: number;
  warehouseMs: number;
  statements: { ms: number; kind: string }[];
  statementsSql: { sql: string; params: readonly unknown[] }[];
  appStatements: number;
  valuesWritten: number;
};

/** What the engine's runs are observed through: app-database statements, the last warehouse client opened. */
type Probe = { appStatements: () => number; lastClient: () => TimedClient | null };

async function timeEngine(probe: Probe, collect: () => Promise<RunReport | null>): Promise<EngineRun> {
  const appBefore = probe.appStatements();
  const cpuBefore = process.cpuUsage();
  let report: RunReport | null = null;
  const ms = await time(async () => {
    report = await collect();
  });
  const cpu = process.cpuUsage(cpuBefore);
  const appAfter = probe.appStatements();
  const run = (report as RunReport | null)?.run;
  if (!run || run.status !== 'completed' || run.metricsFailed > 0) {
    const errors = run?.details.filter((d) => d.error).map((d) => `${d.name}: ${d.error}`) ?? [];
    throw new Error(`The engine run did not complete: ${run?.error ?? 'no run'} ${errors.join('; ')}`);
  }
  const statements = probe.lastClient()?.statements ?? [];
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    warehouseMs: statements.reduce((n, s) => n + s.ms, 0),
    statements: statements.map((s) => ({
      ms: round(s.ms),
      kind: s.sql.includes('sightline_rank') ? 'breakdown' : 'scan',
    })),
    statementsSql: statements.map((s) => ({ sql: s.sql, params: s.params })),
    appStatements: appAfter - appBefore,
    valuesWritten: run.valuesWritten,
  };
}

function summarizeEngineRuns(runs: readonly EngineRun[]) {
  const pick = (kind: string) => (r: EngineRun) =>
    r.statements.filter((s) => s.kind === kind).reduce((n, s) => n + s.ms, 0);
  return {
    scan_ms: round(median(runs.map(pick('scan')))),
    breakdown_ms: round(median(runs.map(pick('breakdown')))),
    outside_warehouse_ms: round(median(runs.map((r) => r.ms - r.warehouseMs))),
    node_cpu_ms: round(median(runs.map((r) => r.cpuMs))),
    warehouse_queries: runs[0]?.statements.length ?? 0,
    app_statements: runs[0]?.appStatements ?? 0,
    values_written: runs[0]?.valuesWritten ?? 0,
  };
}

async function timeTicks(db: Db, probe: Probe, catalog: Catalog, deps: EngineDeps) {
  const tick = async () => {
    await db
      .update(metrics)
      .set({
        watermark: new Date(END.getTime() - HOUR_MS),
        nextDueAt: END,
        claimedByRunId: null,
        claimedUntil: null,
      })
      .where(eq(metrics.projectId, catalog.project.id));
    return timeEngine(probe, () =>
      collectProject(deps, { project: catalog.project, trigger: 'cron', request: {} }),
    );
  };
  await tick();
  const runs: EngineRun[] = [];
  for (let i = 0; i < TICKS; i++) runs.push(await tick());
  const [detail] = (await db
    .select({ window: metrics.watermark })
    .from(metrics)
    .where(eq(metrics.id, catalog.ids[0] as string))) as [{ window: Date | null }];
  if (detail.window?.getTime() !== END.getTime()) throw new Error('The tick did not advance the watermark.');
  const lookback = DEFAULT_POLICY.lookback.hour;
  return {
    medianMs: median(runs.map((r) => r.ms)),
    samplesMs: runs.map((r) => round(r.ms)),
    warehouseMs: round(median(runs.map((r) => r.warehouseMs))),
    nodeCpuMs: round(median(runs.map((r) => r.cpuMs))),
    appStatements: runs[0]?.appStatements ?? 0,
    window: `${new Date(END.getTime() - (lookback + 1) * HOUR_MS).toISOString()} → ${END.toISOString()}`,
  };
}

/** The engine's stored values against the single query's, every metric and bucket; throws on a mismatch. */
async function verify(
  db: Db,
  catalog: Catalog,
  aliases: ReadonlyMap<string, string>,
  single: QueryResult,
  breakdownSpecs: readonly (MetricSpec & { shape: 'single'; breakdown: string })[],
  breakdownResults: readonly QueryResult[],
) {
  const stored = await db
    .select({ metricId: metricValues.metricId, bucket: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(inArray(metricValues.metricId, catalog.ids));
  const byMetric = new Map<string, Map<number, number | null>>();
  for (const row of stored) {
    const series = byMetric.get(row.metricId) ?? new Map<number, number | null>();
    series.set(row.bucket.getTime(), row.value);
    byMetric.set(row.metricId, series);
  }
  const value = (row: Record<string, unknown>, a: Agg): number | null => {
    const raw = row[aliases.get(aggKey(a)) as string];
    const n = raw === null || raw === undefined ? null : Number(raw);
    return n === null && COUNT_LIKE.has(a.aggregation) ? 0 : n;
  };
  const problems: string[] = [];
  let values = 0;
  for (const spec of catalog.specs) {
    const series = byMetric.get(spec.id) ?? new Map<number, number | null>();
    if (series.size !== single.rows.length) {
      problems.push(`${spec.name}: ${series.size} buckets stored, ${single.rows.length} expected`);
      continue;
    }
    for (const row of single.rows) {
      const bucket = (row.bucket as Date).getTime();
      let expected: number | null;
      if (spec.shape === 'single') expected = value(row, spec.value);
      else {
        const n = value(row, spec.numerator);
        const d = value(row, spec.denominator);
        expected = n === null || d === null || d === 0 ? null : n / d;
      }
      const got = series.get(bucket);
      values += 1;
      if (got === undefined || !same(got, expected)) {
        problems.push(
          `${spec.name} @ ${new Date(bucket).toISOString()}: stored ${got}, expected ${expected}`,
        );
      }
    }
  }
  let breakdownValuesChecked = 0;
  for (const [i, spec] of breakdownSpecs.entries()) {
    const id = catalog.specs.find((s) => s.name === spec.name)?.id as string;
    const rows = await db.select().from(breakdownValues).where(eq(breakdownValues.metricId, id));
    const storedParts = new Map(rows.map((r) => [`${r.bucketStart.getTime()}|${r.dimensionValue}`, r.value]));
    const expectedRows = breakdownResults[i]?.rows ?? [];
    if (storedParts.size !== expectedRows.length) {
      problems.push(
        `${spec.name}: ${storedParts.size} breakdown values stored, ${expectedRows.length} expected`,
      );
    }
    for (const row of expectedRows) {
      const key = `${(row.bucket as Date).getTime()}|${String(row.dimension_value)}`;
      const raw = row.value === null ? null : Number(row.value);
      const expected = raw === null && COUNT_LIKE.has(spec.value.aggregation) ? 0 : raw;
      breakdownValuesChecked += 1;
      if (!storedParts.has(key) || !same(storedParts.get(key) ?? null, expected)) {
        problems.push(`${spec.name} ${key}: stored ${storedParts.get(key)}, expected ${expected}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `The engine's values differ from the single query's (${problems.length}):\n${problems.slice(0, 20).join('\n')}`,
    );
  }
  return { values, breakdownValues: breakdownValuesChecked, buckets: single.rows.length };
}

function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

async function explain(
  sql: postgres.Sql,
  statements: readonly { label: string; sql: string; params: readonly unknown[] }[],
): Promise<void> {
  for (const s of statements) {
    const rows = await sql.unsafe(
      `explain (analyze, buffers, verbose) ${s.sql}`,
      s.params as postgres.ParameterOrJSON<never>[],
    );
    note(`EXPLAIN ANALYZE: ${s.label}\n${rows.map((r) => String(r['QUERY PLAN'])).join('\n')}\n`);
  }
}

if (/[\\/]bench[\\/]collect\.ts$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
