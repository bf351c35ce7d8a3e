// Benchmark of the read path on a Postgres server:
// `npm run bench -- read [--smoke] [--metrics M] [--runs R] [--explain] [--keep]`.
//
// Migrates a scratch app database and fills one project with M hourly metrics (1,000 by default): the first has
// 13 months of hourly values (some gaps, ~20 stored anomalies) with the expected band detection stores, every
// metric has its 48 most recent buckets (sparklines), the newest 30 written after a vacuum as hourly ticks write
// them, and every tenth one an active anomaly (signal). Then it times, in this process, R runs (50 by default,
// after 5 untimed) of:
//   series   getMetricSeries over the 1y range, as the drilldown page calls it (densified, band, anomalies)
//   catalog  listCatalog + listCatalogValues for every metric, as the catalog page calls them
// and reports p50 / p95 / max in ms. Progress goes to stderr, one JSON object to stdout. Exits 1 when a target
// is missed, except with --smoke (fewer metrics and runs, which only proves the benchmark runs). Connects to
// DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; the scratch database is dropped at the end
// (kept with --keep, to explain statements by hand; --explain prints the catalog statement's plan).
import './server-only';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { openDb, type Db, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { metrics } from '@/db/schema';
import { buildContext, type ServiceContext } from '@/lib/context';
import { insertFactTable } from '@/lib/fact-tables/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { listCatalog } from '@/lib/metrics/service';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertProject, upsertUser } from '@/lib/projects/queries';
import { insertDataSource } from '@/lib/sources/queries';
import { positiveFlag } from './flags';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The newest settled bucket ends here; the clock sits half an hour into the bucket in progress. */
const WATERMARK = new Date('2026-11-23T00:00:00Z');
const NOW = new Date(WATERMARK.getTime() + 30 * 60_000);
const YEAR_HOURS = 8_760;
/** Stored hours of the long series: the year the drilldown shows and four weeks before it. */
const HISTORY_HOURS = YEAR_HOURS + 24 * 28 + 24;
const RECENT_BUCKETS = 48;
const WARMUP = 5;
const SPARKLINE_POINTS = 30;
const TARGETS = { seriesP95Ms: 10, catalogP95Ms: 100 };

type Flags = { smoke: boolean; metrics: number; runs: number; explain: boolean; keep: boolean };

function parseFlags(args: string[]): Flags {
  const smoke = args.includes('--smoke');
  const read = (name: string, fallback: number) => positiveFlag(args, name, fallback);
  return {
    smoke,
    metrics: read('metrics', smoke ? 100 : 1_000),
    runs: read('runs', smoke ? 5 : 50),
    explain: args.includes('--explain'),
    keep: args.includes('--keep'),
  };
}

const note = (message: string) => console.error(`[read bench] ${message}`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

function summarize(values: readonly number[]) {
  return {
    p50: round(percentile(values, 50), 2),
    p95: round(percentile(values, 95), 2),
    max: round(Math.max(...values), 2),
  };
}

function withDatabase(url: URL, database: string): URL {
  const copy = new URL(url);
  copy.pathname = `/${database}`;
  return copy;
}

export async function main(args: string[]): Promise<void> {
  reads = await loadReads();
  const flags = parseFlags(args);
  const serverUrl = new URL(process.env.DATABASE_URL || DEFAULT_URL);
  const appName = `sightline_bench_${randomBytes(4).toString('hex')}_read`;
  const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
  let app: DbHandle | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await app?.close().catch(() => {});
      if (flags.keep) {
        note(`kept ${appName}`);
        await admin.end({ timeout: 5 });
        return;
      }
      await admin.unsafe(`drop database if exists ${appName} with (force)`).catch((error: unknown) => {
        note(`could not drop ${appName}: ${String(error)}`);
      });
      await admin.end({ timeout: 5 });
    })());
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    note(`migrating ${appName}`);
    await admin.unsafe(`create database ${appName}`);
    app = await openDb({
      databaseUrl: withDatabase(serverUrl, appName).toString(),
      applicationName: 'sightline-bench',
    });
    await migrateDb(app);
    const result = await run(app.db, flags);
    for (const [name, target] of Object.entries(result.targets)) {
      note(`  ${name} ${target.value} ms (target ≤ ${target.target} ms): ${target.pass ? 'pass' : 'MISSED'}`);
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

/** The read verbs, imported once the server-only hook is in place. */
async function loadReads() {
  const [series, catalog, detection] = await Promise.all([
    import('@/lib/series/service'),
    import('@/lib/series/catalog'),
    import('@/lib/detection/pipeline'),
  ]);
  return {
    rescoreBand: detection.rescoreBand,
    getMetricSeries: series.getMetricSeries,
    listAnomaliesOfMetric: series.listAnomaliesOfMetric,
    listCatalogValues: catalog.listCatalogValues,
  };
}
let reads: Awaited<ReturnType<typeof loadReads>>;

async function run(db: Db, flags: Flags) {
  const { getMetricSeries, listAnomaliesOfMetric, listCatalogValues } = reads;
  const loadAtStart = os.loadavg()[0] as number;
  const seedStarted = performance.now();
  const { ctx, seriesMetricId, metricIds } = await seed(db, flags.metrics);
  note(`seeded ${flags.metrics} metrics in ${Math.round(performance.now() - seedStarted)} ms`);

  const series = async () => {
    const view = await getMetricSeries({ ctx, input: { metricId: seriesMetricId, range: '1y' } });
    if (view.points.length < YEAR_HOURS) throw new Error(`1y read returned ${view.points.length} buckets`);
    return view;
  };
  const anomalies = () => listAnomaliesOfMetric({ ctx, input: { metricId: seriesMetricId } });
  const catalog = async () => {
    const rows = await listCatalog({ ctx, input: {} });
    const values = await listCatalogValues({ ctx, input: { metricIds: rows.map((r) => r.id) } });
    if (rows.length !== metricIds.length) throw new Error(`catalog listed ${rows.length} metrics`);
    return values;
  };
  // The two statements alone, to tell the database's share from the assembling in JS.
  const catalogRowsOnly = () => listCatalog({ ctx, input: {} });
  const { catalogSeriesQuery } = await import('@/lib/series/catalog-queries');
  const catalogSeriesOnly = () =>
    catalogSeriesQuery(db, { projectId: ctx.project.id, metricIds, limit: SPARKLINE_POINTS });

  if (flags.explain) await explainCatalog(db, ctx, metricIds);
  const view = await series();
  const flagged = view.points.filter((p) => p.stored).length;
  note(`series: ${view.points.length} buckets, ${flagged} stored anomalies in range`);

  const timings: Record<string, number[]> = {
    series: [],
    anomalies: [],
    catalog: [],
    catalog_rows: [],
    catalog_series_query: [],
  };
  const cases: [keyof typeof timings, () => Promise<unknown>][] = [
    ['series', series],
    ['anomalies', anomalies],
    ['catalog', catalog],
    ['catalog_rows', catalogRowsOnly],
    ['catalog_series_query', catalogSeriesOnly],
  ];
  for (const [name, fn] of cases) {
    for (let i = 0; i < WARMUP; i++) await fn();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < flags.runs; i++) {
      const started = performance.now();
      await fn();
      timings[name]?.push(performance.now() - started);
    }
    const cpu = process.cpuUsage(cpuStart);
    note(
      `${name}: ${JSON.stringify(summarize(timings[name] ?? []))} ms, ` +
        `process CPU ${round((cpu.user + cpu.system) / 1000 / flags.runs, 2)} ms per run`,
    );
  }

  const ms = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, summarize(v)]));
  const seriesP95 = ms.series?.p95 ?? Infinity;
  const catalogP95 = ms.catalog?.p95 ?? Infinity;
  const targets = {
    series_p95: { value: seriesP95, target: TARGETS.seriesP95Ms, pass: seriesP95 <= TARGETS.seriesP95Ms },
    catalog_p95: {
      value: catalogP95,
      target: TARGETS.catalogP95Ms,
      pass: catalogP95 <= TARGETS.catalogP95Ms,
    },
  };
  return {
    benchmark: 'read',
    smoke: flags.smoke,
    metrics: flags.metrics,
    runs: flags.runs,
    seriesBuckets: view.points.length,
    ms,
    targets,
    pass: Object.values(targets).every((t) => t.pass),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memGiB: round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      load: [round(loadAtStart, 2), round(os.loadavg()[0] as number, 2)],
    },
  };
}

/**
 * One project, M active hourly metrics on one fact table, written straight to the tables (the read path is
 * measured, not collection). Deterministic: values come from the bucket and the metric's position.
 */
export async function seed(
  db: Db,
  count: number,
): Promise<{ ctx: ServiceContext; seriesMetricId: string; metricIds: string[] }> {
  reads ??= await loadReads(); // the load benchmark seeds without running main()
  const project = await insertProject(db, { slug: 'bench-read', name: 'Benchmark read', timeZone: 'UTC' });
  const owner = await upsertUser(db, { email: 'bench@example.com', name: 'Bench Owner', passwordHash: null });
  const source = await insertDataSource(db, {
    projectId: project.id,
    name: 'Benchmark warehouse',
    kind: 'embedded',
    config: {},
  });
  const factTable = await insertFactTable(db, {
    projectId: project.id,
    dataSourceId: source.id,
    name: 'orders',
    sql: 'select id, ts, amount from orders',
    timestampColumn: 'ts',
    columns: [
      { name: 'id', type: 'number', nativeType: 'int8' },
      { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
      { name: 'amount', type: 'number', nativeType: 'numeric' },
    ],
  });
  const parsed = metricInputSchema.parse({
    name: 'template',
    interval: 'hour',
    lifecycle: 'active',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: { factTableId: factTable.id, aggregation: 'count', column: null, rowFilterIds: [] },
      breakdowns: [],
    },
  });
  const rows = Array.from({ length: count }, (_, i) => ({
    ...parsed,
    name: `metric ${String(i).padStart(4, '0')}`,
    ownerId: i % 3 === 0 ? owner.id : null,
    tags: [`team-${i % 7}`],
    projectId: project.id,
    kind: parsed.definition.kind,
    valueKind: valueKindOf(parsed.definition),
    watermark: WATERMARK,
    lastCollectedAt: WATERMARK,
    lastSuccessAt: WATERMARK,
    lastCollectionStatus: 'ok' as const,
  }));
  const inserted: { id: string; name: string }[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    inserted.push(
      ...(await db
        .insert(metrics)
        .values(rows.slice(i, i + 500))
        .returning({ id: metrics.id, name: metrics.name })),
    );
  }
  inserted.sort((a, b) => a.name.localeCompare(b.name));
  const seriesMetricId = (inserted[0] as { id: string }).id;
  const metricIds = inserted.map((m) => m.id);
  const end = WATERMARK.toISOString();

  // Values are written as collection writes them: the history first, then, after a vacuum, the newest hours
  // bucket by bucket for every metric (as hourly ticks do), so the catalog reads rows the visibility map does
  // not cover yet, as it does between two autovacuums. Detection stores the band after each write.
  const older = `${SPARKLINE_POINTS} hours`;
  const longSeries = (from: SQL, to: SQL) => sql`
    insert into metric_values (metric_id, bucket_start, value)
    select ${seriesMetricId}::uuid, b,
      round(200 + 80 * sin(extract(hour from b) * pi() / 12) + 30 * (extract(isodow from b) < 6)::int
        + 10 * sin(extract(epoch from b) / 7919.0))
    from generate_series(${from}, ${to} - interval '1 hour', interval '1 hour') as b
    where (extract(epoch from b)::bigint / 3600) % 211 <> 0
      and b not between ${end}::timestamptz - interval '2000 hours'
                    and ${end}::timestamptz - interval '1995 hours'`;
  const recentValues = (from: SQL, to: SQL) => sql`
    insert into metric_values (metric_id, bucket_start, value)
    select m.id, b, (m.ord % 50) * 10 + extract(hour from b)
    from generate_series(${from}, ${to} - interval '1 hour', interval '1 hour') as b
    cross join (select id, row_number() over (order by name) as ord from metrics
                where project_id = ${project.id} and id <> ${seriesMetricId}::uuid) as m
    order by b, m.ord`;
  const historyStart = sql`${end}::timestamptz - ${`${HISTORY_HOURS} hours`}::interval`;
  const recentStart = sql`${end}::timestamptz - ${`${RECENT_BUCKETS} hours`}::interval`;
  const sparklineStart = sql`${end}::timestamptz - ${older}::interval`;
  const watermark = sql`${end}::timestamptz`;

  // The long series: daily and weekly shape plus noise; ~0.5 % of hours missing and one 6-hour outage. Every
  // other metric: the recent buckets the sparklines read.
  await db.execute(longSeries(historyStart, sparklineStart));
  await db.execute(recentValues(recentStart, sparklineStart));
  // The first collection of a series scores it from its first bucket: exactly a full re-score. The other
  // metrics' 48 buckets are too few for the detector: their band stays null, as collection would leave it.
  const scoring = performance.now();
  const banded = await reads.rescoreBand(db, {
    projectId: project.id,
    metricId: seriesMetricId,
    zone: 'UTC',
    from: null,
  });
  note(`stored the band of ${banded} buckets in ${Math.round(performance.now() - scoring)} ms`);
  await db.execute(sql`vacuum (analyze) metric_values`);
  await db.execute(longSeries(sparklineStart, watermark));
  await db.execute(recentValues(sparklineStart, watermark));
  await reads.rescoreBand(db, {
    projectId: project.id,
    metricId: seriesMetricId,
    zone: 'UTC',
    from: new Date(WATERMARK.getTime() - SPARKLINE_POINTS * 3_600_000),
  });
  // 20 stored anomalies spread over the year, severities in turn, the newest few still active.
  await db.execute(sql`
    insert into anomalies (project_id, metric_id, bucket_start, value, expected, lower, upper, score,
      severity, direction, status)
    select ${project.id}::uuid, ${seriesMetricId}::uuid,
      ${end}::timestamptz - (n * 431 + 7) * interval '1 hour', 600, 220, 150, 290, 0.9,
      (array['low','medium','high'])[1 + n % 3]::severity,
      (case when n % 2 = 0 then 'up' else 'down' end)::anomaly_direction,
      (case when n < 3 then 'active' else 'resolved' end)::anomaly_status
    from generate_series(0, 19) as n`);
  // A signal on every tenth metric.
  await db.execute(sql`
    insert into anomalies (project_id, metric_id, bucket_start, value, expected, lower, upper, score,
      severity, direction, status)
    select ${project.id}::uuid, m.id, ${end}::timestamptz - interval '2 hours', 1, 0, 0, 1, 0.8,
      (array['low','medium','high'])[1 + (m.ord / 10) % 3]::severity, 'up', 'active'
    from (select id, row_number() over (order by name) as ord from metrics
          where project_id = ${project.id}) as m
    where m.ord % 10 = 0`);
  await db.execute(sql`analyze`);

  const ctx = buildContext({
    project: { id: project.id, slug: project.slug, name: project.name, timeZone: 'UTC' },
    actor: { type: 'user', userId: owner.id, label: owner.id },
    role: 'viewer',
    db,
    now: () => NOW,
  });
  return { ctx, seriesMetricId, metricIds };
}

/** `--explain`: the catalog statement's plan with timings, to stderr. */
async function explainCatalog(db: Db, ctx: ServiceContext, metricIds: string[]) {
  const { catalogSeriesQuery } = await import('@/lib/series/catalog-queries');
  const query = catalogSeriesQuery(db, { projectId: ctx.project.id, metricIds, limit: SPARKLINE_POINTS });
  const { sql: text, params } = query.toSQL();
  const rows = await db.execute(sql.raw(`explain (analyze, buffers) ${inline(text, params)}`));
  for (const row of rows as unknown as Record<string, string>[])
    note(String(Object.values(row)[0]).slice(0, 160));
}

function inline(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    return typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;
  });
}
