/**
 * The collection engine: claims metrics, plans one scan per (data source, fact table, interval, window chunk),
 * runs the scans through the guarded runner, and writes each metric's window in one transaction.
 *
 * Every entry point (cron route, CLI, manual run, backfill) goes through executeRun. A failing fact table, data
 * source or metric fails alone; its error is kept on the metric and in the run's details.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { deliverDue } from '@/lib/alerts/deliver';
import { evaluateAlerts } from '@/lib/alerts/evaluate';
import { detectWritten } from '@/lib/detection/pipeline';
import { log as rootLog, type Logger } from '@/lib/log';
import { metricDefinitionSchema, type MetricDefinition, type MetricInterval } from '@/lib/metrics/schemas';
import { listDataSourcesInProject } from '@/lib/sources/queries';
import { openDataSourceClient, type OpenedWarehouse } from '@/lib/sources/service';
import { checkClickHouseRowFilter } from '@/lib/sql/clickhouse';
import { checkRowFilter, checkSelect, type SqlDialect } from '@/lib/sql/guard';
import { ClickHouseWarehouseClient } from '@/lib/warehouse/clients/clickhouse';
import { PostgresWarehouseClient } from '@/lib/warehouse/clients/postgres';
import { toWarehouseError, WarehouseError } from '@/lib/warehouse/errors';
import type { QueryLimits, QueryResult, WarehouseClient } from '@/lib/warehouse/types';
import {
  assembleBreakdown,
  assembleSeries,
  indexByBucket,
  type BreakdownPoint,
  type ScanRows,
  type SeriesPoint,
} from './assemble';
import { addBuckets, listBuckets, type Window } from './buckets';
import { composeSeries } from './compose';
import {
  planUnit,
  scansOfRecipe,
  type BreakdownScan,
  type CollectionUnit,
  type PlanFactTable,
  type PlannedMetric,
  type Scan,
} from './plan';
import {
  advanceWatermark,
  advanceWatermarks,
  replaceUnitWindow,
  claimMetrics,
  claimPendingRun,
  extendClaims,
  getProject,
  getRunById,
  insertRun,
  listProjectsWithDueMetrics,
  loadDataSources,
  loadFactTables,
  loadMetricsByIds,
  readSeries,
  reapStaleRuns,
  recordMetricOutcome,
  recordSuccesses,
  releaseClaims,
  replaceBreakdown,
  replaceSeries,
  updateRun,
  type DataSourceRow,
  type MetricRow,
  type ProjectRow,
  type RunMetricDetail,
  type RunRequest,
  type RunRow,
} from './queries';
import * as clickhouseRender from './render-clickhouse';
import * as postgresRender from './render-postgres';
import { readSqlMetricRows, SqlMetricShapeError } from './sql-metric';
import {
  backfillWindow,
  chunksOf,
  DEFAULT_POLICY,
  settledEnd,
  tickWindow,
  type CollectionPolicy,
} from './windows';

export type RunTrigger = RunRow['trigger'];

export type ProgressEvent = {
  runId: string;
  done: number;
  total: number;
  /** What just finished, e.g. `Orders · 2026-01-01 → 2026-01-15`. */
  label: string;
  ok: boolean;
};

export type EngineDeps = {
  db: Db;
  now?: () => Date;
  /**
   * Opens a client for a data source; defaults to openDataSourceClient (outbound guard, decrypted secrets).
   * A run passes the tag its warehouse work carries (warehouseTagOf), so a reaper can find it: the
   * application_name of Postgres connections, the query_id prefix of ClickHouse queries.
   */
  openClient?: (source: DataSourceRow, opts?: { applicationName?: string }) => Promise<OpenedWarehouse>;
  policy?: CollectionPolicy;
  workerId?: string;
  /** How long a claim or run lease lasts without a heartbeat. */
  leaseMs?: number;
  limits?: QueryLimits;
  /** Retries of retryable warehouse errors (connection trouble, serialization failures). */
  retry?: { attempts: number; baseDelayMs: number };
  onProgress?: (event: ProgressEvent) => void;
  /** Score what a run wrote for anomalies (default true; benchmarks measure collection alone). */
  detect?: boolean;
  /** Called inside each metric's write transaction before it commits; a throw rolls that write back. */
  beforeCommit?: (metricId: string) => Promise<void>;
  log?: Logger;
};

export type RunReport = {
  run: RunRow;
  /** Metrics whose new values were written, with the window written: what detection looks at next. */
  written: { metricId: string; window: Window }[];
};

export type TickReport = {
  runs: RunReport[];
  reaped: number;
  /** True when the time budget ran out with work left for the next tick. */
  budgetExhausted: boolean;
};

/** Collection queries aggregate whole windows: longer than interactive queries, still bounded. */
export const COLLECTION_LIMITS: QueryLimits = { timeoutMs: 60_000, maxRows: 200_000 };
const DEFAULT_LEASE_MS = 5 * 60_000;
const FAILED_RETRY_MS = 5 * 60_000;
const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 250 };

const processWorkerId = `${process.pid}-${randomUUID().slice(0, 8)}`;

type Resolved = Required<Omit<EngineDeps, 'onProgress' | 'beforeCommit'>> &
  Pick<EngineDeps, 'onProgress' | 'beforeCommit'>;

/**
 * The tag of a run's warehouse work, how the reaper finds what a dead run left running: the application_name
 * of its Postgres connections, and the start of its ClickHouse query ids (`<tag>-<uuid>`).
 */
export function warehouseTagOf(runId: string): string {
  return `sightline-warehouse run=${runId}`;
}

function openNamedClient(source: DataSourceRow, opts: { applicationName?: string } = {}) {
  const { applicationName } = opts;
  if (!applicationName) return openDataSourceClient(source);
  return openDataSourceClient(source, {
    connectPostgres: (connection) =>
      PostgresWarehouseClient.connect(connection, { maxConnections: 1, applicationName }),
    connectClickHouse: (connection) =>
      ClickHouseWarehouseClient.connect(connection, { queryIdPrefix: applicationName }),
  });
}

function resolveDeps(deps: EngineDeps): Resolved {
  return {
    db: deps.db,
    now: deps.now ?? (() => new Date()),
    openClient: deps.openClient ?? openNamedClient,
    policy: deps.policy ?? DEFAULT_POLICY,
    workerId: deps.workerId ?? processWorkerId,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
    limits: deps.limits ?? COLLECTION_LIMITS,
    retry: deps.retry ?? DEFAULT_RETRY,
    onProgress: deps.onProgress,
    beforeCommit: deps.beforeCommit,
    detect: deps.detect ?? true,
    log: deps.log ?? rootLog.child({ component: 'collection' }),
  };
}

/**
 * One cron tick: reap dead runs, collect every project's due metrics, then work through queued runs (backfills)
 * while the budget lasts. Anything left is picked up by the next tick.
 */
export async function collectTick(
  deps: EngineDeps,
  opts: { budgetMs?: number; /** Only these projects (default: all). */ projectIds?: readonly string[] } = {},
): Promise<TickReport> {
  const d = resolveDeps(deps);
  const started = d.now().getTime();
  const deadline = opts.budgetMs === undefined ? Number.POSITIVE_INFINITY : started + opts.budgetMs;
  const reaped = await reapStaleRuns(d.db, d.now());
  await cancelOrphanedQueries(d, reaped);
  const runs: RunReport[] = [];
  let budgetExhausted = false;

  const due = await listProjectsWithDueMetrics(d.db, d.now());
  for (const project of due.filter((p) => !opts.projectIds || opts.projectIds.includes(p.id))) {
    if (d.now().getTime() >= deadline) {
      budgetExhausted = true;
      break;
    }
    const report = await collectProject(d, { project, trigger: 'cron', request: {}, deadline });
    if (report) {
      runs.push(report);
      if (report.run.details.some((m) => m.status === 'skipped')) budgetExhausted = true;
    }
  }
  while (d.now().getTime() < deadline) {
    const report = await executePendingRun(deps, { deadline, projectIds: opts.projectIds });
    if (!report) break;
    runs.push(report);
  }
  return { runs, reaped: reaped.length, budgetExhausted };
}

const CANCEL_TAGGED = `select pg_cancel_backend(pid) as cancelled from pg_stat_activity
  where application_name = $1 and pid <> pg_backend_pid()`;

/** Cancels the queries carrying `tag` in one warehouse; returns how many it signalled. */
async function cancelTagged(client: WarehouseClient, tag: string): Promise<number> {
  if (client.dialect === 'clickhouse') {
    if (!(client instanceof ClickHouseWarehouseClient)) throw new Error('This client cannot cancel queries.');
    return client.killByPrefix(tag);
  }
  const { rows } = await client.runSelect(CANCEL_TAGGED, [tag], { timeoutMs: 10_000, maxRows: 1_000 });
  return rows.length;
}

/**
 * A reaped run's worker may be gone while its warehouse query runs on (a server notices a vanished client only
 * when it next writes to it): cancel every query still carrying the run's tag in its project's Postgres and
 * ClickHouse sources. A failure is logged and not retried: the query's own time limit (statement_timeout,
 * max_execution_time) still ends it. Embedded sources are left alone: that warehouse lives in the worker's own
 * process.
 */
export async function cancelOrphanedQueries(deps: EngineDeps, reaped: readonly RunRow[]): Promise<void> {
  const d = resolveDeps(deps);
  for (const run of reaped) {
    const sources = await listDataSourcesInProject(d.db, { projectId: run.projectId });
    for (const source of sources.filter((s) => s.kind === 'postgres' || s.kind === 'clickhouse')) {
      try {
        const opened = await d.openClient(source, { applicationName: 'sightline-warehouse reaper' });
        try {
          const queries = await cancelTagged(opened.client, warehouseTagOf(run.id));
          if (queries > 0)
            d.log.warn('cancelled warehouse queries of a reaped run', {
              runId: run.id,
              dataSourceId: source.id,
              queries,
            });
        } finally {
          await opened.release();
        }
      } catch (error) {
        d.log.warn('cancelling warehouse queries of a reaped run failed', {
          runId: run.id,
          dataSourceId: source.id,
          error: describe(error),
        });
      }
    }
  }
}

/**
 * A scheduled tick: collection (with detection and alert evaluation), then the alert outbox for every project
 * with what is left of the budget. A slow receiver costs at most its send timeout, never a collection.
 */
export async function scheduledTick(
  deps: EngineDeps,
  opts: { budgetMs: number },
): Promise<TickReport & { delivered: number; deliveryFailures: number }> {
  const d = resolveDeps(deps);
  const started = d.now().getTime();
  const report = await collectTick(deps, { budgetMs: opts.budgetMs });
  let delivered = 0;
  let deliveryFailures = 0;
  try {
    const remaining = Math.max(1_000, opts.budgetMs - (d.now().getTime() - started));
    const sent = await deliverDue(d.db, { now: d.now(), budgetMs: remaining });
    delivered = sent.delivered;
    deliveryFailures = sent.failed;
  } catch (error) {
    d.log.error('alert delivery failed', { error });
  }
  return { ...report, delivered, deliveryFailures };
}

/**
 * Collects one project now (CLI, manual run): its due metrics, or exactly `request.metricIds`. Returns null when
 * a tick found nothing due (no run row is written for an idle tick).
 */
export async function collectProject(
  deps: EngineDeps,
  input: {
    project: ProjectRow;
    trigger: RunTrigger;
    request: RunRequest;
    createdBy?: string | null;
    deadline?: number;
  },
): Promise<RunReport | null> {
  const d = resolveDeps(deps);
  const runId = randomUUID();
  const now = d.now();
  const claimed = await claimMetrics(d.db, {
    runId,
    projectId: input.project.id,
    now,
    leaseUntil: new Date(now.getTime() + d.leaseMs),
    metricIds: input.request.metricIds,
    dueOnly: input.trigger === 'cron' && !input.request.force,
  });
  if (claimed.length === 0 && input.trigger === 'cron') return null;
  const run = await insertRun(d.db, {
    id: runId,
    projectId: input.project.id,
    trigger: input.trigger,
    status: 'running',
    request: input.request,
    createdBy: input.createdBy ?? null,
    lockedBy: d.workerId,
    lockedUntil: new Date(now.getTime() + d.leaseMs),
    heartbeatAt: now,
    startedAt: now,
    attempts: 1,
  });
  return executeClaimed(d, { run, project: input.project, claimed, deadline: input.deadline });
}

/** Queues a run (backfill, manual run from the UI) for a worker to pick up. */
export async function enqueueRun(
  db: Db,
  input: { projectId: string; trigger: RunTrigger; request: RunRequest; createdBy?: string | null },
): Promise<RunRow> {
  return insertRun(db, {
    projectId: input.projectId,
    trigger: input.trigger,
    status: 'pending',
    request: input.request,
    createdBy: input.createdBy ?? null,
    windowStart: input.request.start ? new Date(input.request.start) : null,
    windowEnd: input.request.end ? new Date(input.request.end) : null,
  });
}

/** Takes the oldest queued run (or `runId`) and executes it; undefined when the queue is empty. */
export async function executePendingRun(
  deps: EngineDeps,
  opts: { runId?: string; deadline?: number; projectIds?: readonly string[] } = {},
): Promise<RunReport | undefined> {
  const d = resolveDeps(deps);
  const now = d.now();
  const run = await claimPendingRun(d.db, {
    workerId: d.workerId,
    now,
    leaseUntil: new Date(now.getTime() + d.leaseMs),
    runId: opts.runId,
    projectIds: opts.projectIds,
  });
  if (!run) return undefined;
  const project = await getProject(d.db, run.projectId);
  if (!project) return undefined;
  const claimed = await claimMetrics(d.db, {
    runId: run.id,
    projectId: project.id,
    now,
    leaseUntil: new Date(now.getTime() + d.leaseMs),
    metricIds: run.request.metricIds,
    dueOnly: false,
  });
  return executeClaimed(d, { run, project, claimed, deadline: opts.deadline });
}

// ---------------------------------------------------------------------------------------------------------------

type MetricState = {
  row: MetricRow;
  definition: MetricDefinition | null;
  /** The buckets this run rebuilds, split into query-sized chunks; empty when nothing is due. */
  chunks: Window[];
  status: 'pending' | 'ok' | 'failed' | 'skipped';
  error?: string;
  valuesWritten: number;
  startedMs: number;
  /** Union of the windows written. */
  written: Window | null;
};

type RunContext = {
  d: Resolved;
  run: RunRow;
  project: ProjectRow;
  zone: string;
  mode: 'tick' | 'backfill';
  deadline: number;
  states: Map<string, MetricState>;
  clients: Map<string, Promise<OpenedWarehouse | { error: string }>>;
  dataSources: Map<string, DataSourceRow>;
  progress: { done: number; total: number };
  lastBeat: number;
  anomaliesWritten: number;
};

async function executeClaimed(
  d: Resolved,
  input: { run: RunRow; project: ProjectRow; claimed: MetricRow[]; deadline?: number },
): Promise<RunReport> {
  const { run, project } = input;
  const started = d.now();
  const ctx: RunContext = {
    d,
    run,
    project,
    zone: project.timeZone,
    mode: run.request.start && run.request.end ? 'backfill' : 'tick',
    deadline: input.deadline ?? Number.POSITIVE_INFINITY,
    states: new Map(),
    clients: new Map(),
    dataSources: new Map(),
    progress: { done: 0, total: 0 },
    lastBeat: started.getTime(),
    anomaliesWritten: 0,
  };
  const runLog = d.log.child({ runId: run.id, project: project.slug });

  try {
    if (input.claimed.length === 0) {
      const message =
        run.request.metricIds && run.request.metricIds.length > 0
          ? 'Those metrics are being collected by another run (or are archived); try again when it finishes.'
          : 'No metric was due.';
      await finishRun(ctx, { error: message, failed: Boolean(run.request.metricIds?.length) });
      return { run: (await getRunById(d.db, run.id)) ?? run, written: [] };
    }
    for (const row of input.claimed) ctx.states.set(row.id, prepareMetric(ctx, row));
    await collectFactAndSqlMetrics(ctx);
    await collectCompositions(ctx);
    if (d.detect) await detectAfterRun(ctx);
    await finishRun(ctx, {});
  } catch (error) {
    runLog.error('collection run failed', { error });
    await finishRun(ctx, {
      error: 'The run stopped on an internal error; see the server log.',
      failed: true,
    });
  } finally {
    await releaseClaims(d.db, { runId: run.id }).catch(() => {});
    for (const opened of ctx.clients.values()) {
      const client = await opened;
      if ('release' in client) await client.release();
    }
  }
  return { run: (await getRunById(d.db, run.id)) ?? run, written: writtenWindows(ctx) };
}

function prepareMetric(ctx: RunContext, row: MetricRow): MetricState {
  const state: MetricState = {
    row,
    definition: null,
    chunks: [],
    status: 'pending',
    valuesWritten: 0,
    startedMs: ctx.d.now().getTime(),
    written: null,
  };
  const parsed = metricDefinitionSchema.safeParse(row.definition);
  if (!parsed.success) {
    state.status = 'failed';
    state.error = 'The stored definition is not valid any more; edit and save the metric.';
    return state;
  }
  state.definition = parsed.data;
  const interval = row.interval;
  const window =
    ctx.mode === 'backfill'
      ? backfillWindow({
          start: new Date(ctx.run.request.start as string),
          end: new Date(ctx.run.request.end as string),
          now: ctx.d.now(),
          interval,
          zone: ctx.zone,
        })
      : tickWindow({
          watermark: row.watermark,
          now: ctx.d.now(),
          interval,
          zone: ctx.zone,
          policy: ctx.d.policy,
          force: Boolean(ctx.run.request.force || ctx.run.request.metricIds),
        });
  if (window === null) {
    state.status = 'skipped';
    state.error = 'Nothing to collect: no new bucket has completed.';
    return state;
  }
  state.chunks = chunksOf(window, interval, ctx.zone, ctx.d.policy);
  return state;
}

// ---------------------------------------------------------------------------------------------------------------
// Fact and SQL metrics

type Job =
  | { kind: 'unit'; unit: CollectionUnit }
  | { kind: 'sql'; metricId: string; window: Window; dataSourceId: string };

async function collectFactAndSqlMetrics(ctx: RunContext): Promise<void> {
  const { d, project } = ctx;
  const active = [...ctx.states.values()].filter((s) => s.status === 'pending' && s.definition !== null);
  const factTableIds = new Set<string>();
  const dataSourceIds = new Set<string>();
  for (const s of active) {
    const def = s.definition as MetricDefinition;
    if (def.kind === 'fact') {
      if (def.shape === 'single') factTableIds.add(def.operand.factTableId);
      else {
        factTableIds.add(def.numerator.factTableId);
        factTableIds.add(def.denominator.factTableId);
      }
    } else if (def.kind === 'sql') dataSourceIds.add(def.dataSourceId);
  }

  const factTables = await loadPlanFactTables(d.db, { projectId: project.id, ids: [...factTableIds] });
  for (const ft of factTables.values()) if ('dataSourceId' in ft) dataSourceIds.add(ft.dataSourceId);
  for (const row of await loadDataSources(d.db, { projectId: project.id, ids: [...dataSourceIds] })) {
    ctx.dataSources.set(row.id, row);
  }

  // Group fact metrics by (data source, interval, chunk): one unit each.
  const groups = new Map<
    string,
    { dataSourceId: string; interval: MetricInterval; window: Window; metrics: PlannedMetric[] }
  >();
  const jobs: Job[] = [];
  const planTables = new Map<string, PlanFactTable>();
  for (const [id, ft] of factTables) if (!('error' in ft)) planTables.set(id, ft);

  for (const s of active) {
    const def = s.definition as MetricDefinition;
    if (def.kind === 'composition') continue;
    if (def.kind === 'sql') {
      for (const window of s.chunks)
        jobs.push({ kind: 'sql', metricId: s.row.id, window, dataSourceId: def.dataSourceId });
      continue;
    }
    const ids =
      def.shape === 'single'
        ? [def.operand.factTableId]
        : [def.numerator.factTableId, def.denominator.factTableId];
    const tables = ids.map((id) => factTables.get(id));
    const problem = tables.find((ft) => ft === undefined || 'error' in ft);
    if (tables.some((ft) => ft === undefined)) {
      fail(s, 'Its fact table no longer exists.');
      continue;
    }
    if (problem !== undefined && 'error' in problem) {
      fail(s, problem.error);
      continue;
    }
    const dataSourceId = (factTables.get(ids[0] as string) as PlanFactTable).dataSourceId;
    for (const window of s.chunks) {
      const key = `${dataSourceId}|${s.row.interval}|${window.start.getTime()}|${window.end.getTime()}`;
      let group = groups.get(key);
      if (!group) {
        group = { dataSourceId, interval: s.row.interval, window, metrics: [] };
        groups.set(key, group);
      }
      group.metrics.push({
        id: s.row.id,
        name: s.row.name,
        interval: s.row.interval,
        valueKind: s.row.valueKind,
        definition: def,
      });
    }
  }
  for (const group of groups.values()) {
    const { unit, problems } = planUnit({ ...group, factTables: planTables });
    for (const problem of problems) {
      const state = ctx.states.get(problem.metricId);
      if (state) fail(state, problem.message);
    }
    if (unit.recipes.length > 0) jobs.push({ kind: 'unit', unit });
  }

  // Oldest windows first, so a watermark only ever moves forward through contiguous buckets.
  jobs.sort((a, b) => windowOf(a).start.getTime() - windowOf(b).start.getTime());
  ctx.progress.total =
    jobs.reduce(
      (n, job) => n + (job.kind === 'unit' ? job.unit.scans.length + job.unit.breakdownScans.length : 1),
      0,
    ) +
    [...ctx.states.values()].filter((s) => s.definition?.kind === 'composition' && s.status === 'pending')
      .length;
  await updateRun(d.db, ctx.run.id, {
    progressTotal: ctx.progress.total,
    metricsAttempted: ctx.states.size,
    windowStart: minStart(active),
    windowEnd: maxEnd(active),
  });

  for (const job of jobs) {
    if (d.now().getTime() >= ctx.deadline) {
      for (const s of ctx.states.values()) {
        if (s.status === 'pending') {
          s.status = 'skipped';
          s.error = 'The time budget ran out; the next run continues from here.';
        }
      }
      return;
    }
    if (job.kind === 'sql') await runSqlJob(ctx, job);
    else await runUnit(ctx, job.unit);
    await heartbeat(ctx);
  }
  for (const s of active) {
    if (s.status === 'pending' && s.definition?.kind !== 'composition') s.status = 'ok';
  }
}

function windowOf(job: Job): Window {
  return job.kind === 'unit' ? job.unit.window : job.window;
}

function minStart(states: MetricState[]): Date | null {
  const starts = states.flatMap((s) => s.chunks.map((c) => c.start.getTime()));
  return starts.length === 0 ? null : new Date(Math.min(...starts));
}

function maxEnd(states: MetricState[]): Date | null {
  const ends = states.flatMap((s) => s.chunks.map((c) => c.end.getTime()));
  return ends.length === 0 ? null : new Date(Math.max(...ends));
}

function fail(state: MetricState, error: string): void {
  if (state.status === 'failed') return;
  state.status = 'failed';
  state.error = error;
}

/**
 * Fact tables as the planner needs them, with their SQL and row filters checked by the guard again (a fact
 * table saved under an older guard is not trusted because it once passed).
 */
export async function loadPlanFactTables(
  db: Db,
  input: { projectId: string; ids: readonly string[] },
): Promise<Map<string, PlanFactTable | { error: string }>> {
  const { tables, filters } = await loadFactTables(db, input);
  const result = new Map<string, PlanFactTable | { error: string }>();
  const sourceIds = [...new Set(tables.map((t) => t.dataSourceId))];
  const sources = await loadDataSources(db, { projectId: input.projectId, ids: sourceIds });
  const dialectOf = (id: string): SqlDialect =>
    sources.find((s) => s.id === id)?.kind === 'clickhouse' ? 'clickhouse' : 'postgres';
  for (const table of tables) {
    const dialect = dialectOf(table.dataSourceId);
    const verdict = await checkSelect(table.sql, { dialect });
    if (!verdict.ok) {
      result.set(table.id, { error: `The SQL of fact table "${table.name}" is refused: ${verdict.message}` });
      continue;
    }
    const columnNames = table.columns.map((c) => c.name);
    const rowFilterMap = new Map<string, string>();
    let filterError: string | null = null;
    for (const filter of filters.filter((f) => f.factTableId === table.id)) {
      const checked =
        dialect === 'clickhouse'
          ? await checkClickHouseRowFilter(filter.expression, columnNames)
          : await checkRowFilter(filter.expression, columnNames);
      if (checked.ok) rowFilterMap.set(filter.id, checked.normalized);
      else filterError = `Row filter "${filter.name}" of "${table.name}" is refused: ${checked.message}`;
    }
    if (filterError !== null) {
      result.set(table.id, { error: filterError });
      continue;
    }
    result.set(table.id, {
      id: table.id,
      name: table.name,
      dataSourceId: table.dataSourceId,
      sql: verdict.normalized,
      timestampColumn: table.timestampColumn,
      columns: table.columns,
      rowFilters: rowFilterMap,
      dialect,
    });
  }
  return result;
}

async function clientFor(
  ctx: RunContext,
  dataSourceId: string,
): Promise<WarehouseClient | { error: string }> {
  let opened = ctx.clients.get(dataSourceId);
  if (!opened) {
    const source = ctx.dataSources.get(dataSourceId);
    opened = source
      ? ctx.d.openClient(source, { applicationName: warehouseTagOf(ctx.run.id) }).catch((error: unknown) => ({
          error: error instanceof Error ? error.message : 'The data source could not be opened.',
        }))
      : Promise.resolve({ error: 'Its data source no longer exists.' });
    ctx.clients.set(dataSourceId, opened);
  }
  const result = await opened;
  return 'error' in result ? result : result.client;
}

/** Scans are rendered in the dialect of their fact table's data source. */
function renderScanFor(scan: Scan, interval: MetricInterval, zone: string): string {
  const render = scan.factTable.dialect === 'clickhouse' ? clickhouseRender : postgresRender;
  return render.renderScan(scan, interval, zone);
}

function renderBreakdownScanFor(scan: BreakdownScan, interval: MetricInterval, zone: string): string {
  const render = scan.factTable.dialect === 'clickhouse' ? clickhouseRender : postgresRender;
  return render.renderBreakdownScan(scan, interval, zone);
}

/**
 * The guard's verdict on SQL about to run: built SQL embeds user SQL and filters, so the whole statement is
 * checked once more; `{{start}}`/`{{end}}` become bound parameters.
 */
async function checkForRun(
  text: string,
  dialect: SqlDialect = 'postgres',
): Promise<{ normalized: string; params: string[] }> {
  const verdict = await checkSelect(text, { dialect, placeholders: ['start', 'end'] });
  if (!verdict.ok)
    throw new WarehouseError('query', `The query was refused by the SQL guard: ${verdict.message}`);
  return verdict;
}

/** Runs checked SQL over the window; retryable warehouse errors are retried with backoff. */
async function runChecked(
  client: WarehouseClient,
  checked: { normalized: string; params: string[] },
  window: Window,
  opts: { limits: QueryLimits; retry: { attempts: number; baseDelayMs: number } },
): Promise<QueryResult> {
  const values: Record<string, string> = { start: window.start.toISOString(), end: window.end.toISOString() };
  const params = checked.params.map((name) => values[name]);
  const { attempts, baseDelayMs } = opts.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.runSelect(checked.normalized, params, opts.limits);
    } catch (error) {
      const warehouseError = toWarehouseError(error);
      if (!warehouseError.retryable || attempt >= attempts) throw warehouseError;
      await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 4 ** (attempt - 1)));
    }
  }
}

async function runBuiltQuery(ctx: RunContext, client: WarehouseClient, text: string, window: Window) {
  return runChecked(client, await checkForRun(text, client.dialect), window, ctx.d);
}

function describe(error: unknown): string {
  if (error instanceof WarehouseError || error instanceof SqlMetricShapeError) return error.message;
  return toWarehouseError(error).message;
}

async function runUnit(ctx: RunContext, unit: CollectionUnit): Promise<void> {
  const pending = unit.recipes.filter((r) => ctx.states.get(r.metric.id)?.status === 'pending');
  if (pending.length === 0) return;
  const client = await clientFor(ctx, unit.dataSourceId);
  const scanRows = new Map<string, ScanRows>();
  const breakdownRows = new Map<string, Record<string, unknown>[]>();
  const scanErrors = new Map<string, string>();
  const label = (name: string) =>
    `${name} · ${unit.window.start.toISOString()} → ${unit.window.end.toISOString()}`;

  for (const scan of unit.scans) {
    if ('error' in client) scanErrors.set(scan.key, client.error);
    else {
      try {
        const result = await runBuiltQuery(
          ctx,
          client,
          renderScanFor(scan, unit.interval, ctx.zone),
          unit.window,
        );
        scanRows.set(scan.key, indexByBucket(result.rows));
      } catch (error) {
        scanErrors.set(scan.key, `Fact table "${scan.factTable.name}": ${describe(error)}`);
      }
    }
    await progress(ctx, label(scan.factTable.name), !scanErrors.has(scan.key));
  }
  for (const scan of unit.breakdownScans) {
    if ('error' in client) scanErrors.set(scan.key, client.error);
    else if (!scanErrors.has(scan.factTable.id)) {
      try {
        const result = await runBuiltQuery(
          ctx,
          client,
          renderBreakdownScanFor(scan, unit.interval, ctx.zone),
          unit.window,
        );
        breakdownRows.set(scan.key, result.rows);
      } catch (error) {
        scanErrors.set(
          scan.key,
          `Breakdown by ${scan.dimension} of "${scan.factTable.name}": ${describe(error)}`,
        );
      }
    }
    await progress(ctx, label(`${scan.factTable.name} by ${scan.dimension}`), !scanErrors.has(scan.key));
  }

  const ready: { state: MetricState; series: SeriesPoint[]; breakdown: BreakdownPoint[] }[] = [];
  for (const recipe of pending) {
    const state = ctx.states.get(recipe.metric.id) as MetricState;
    const failedScan = [
      ...scansOfRecipe(recipe),
      ...(recipe.shape === 'single' ? recipe.breakdowns.map((b) => b.scanKey) : []),
    ].find((key) => scanErrors.has(key));
    if (failedScan !== undefined) {
      fail(state, scanErrors.get(failedScan) as string);
      continue;
    }
    const series = assembleSeries(recipe, scanRows, recipe.metric.valueKind);
    const breakdown: BreakdownPoint[] =
      recipe.shape === 'single'
        ? recipe.breakdowns.flatMap((b) =>
            assembleBreakdown(breakdownRows.get(b.scanKey) ?? [], {
              dimension: b.dimension,
              alias: b.alias,
              aggregation: recipe.value.aggregation,
            }),
          )
        : [];
    ready.push({ state, series, breakdown });
  }
  await writeUnit(ctx, unit, ready);
}

/**
 * Writes every metric of a unit in one transaction with set-based statements. If that fails, each metric is
 * written on its own, so a metric whose write fails fails alone and the others keep their new values.
 */
async function writeUnit(
  ctx: RunContext,
  unit: CollectionUnit,
  ready: { state: MetricState; series: SeriesPoint[]; breakdown: BreakdownPoint[] }[],
): Promise<void> {
  if (ready.length === 0) return;
  const { d } = ctx;
  try {
    await d.db.transaction(async (tx) => {
      await replaceUnitWindow(tx, {
        window: unit.window,
        writes: ready.map((r) => ({ metricId: r.state.row.id, series: r.series, breakdown: r.breakdown })),
        now: d.now(),
      });
      if (ctx.mode === 'tick') {
        await advanceWatermarks(tx, {
          metricIds: ready.map((r) => r.state.row.id),
          settledUntil: unit.window.end,
          nextDueAt: addBuckets(unit.window.end, unit.interval, 1, ctx.zone),
        });
      }
      if (d.beforeCommit) for (const r of ready) await d.beforeCommit(r.state.row.id);
    });
  } catch (error) {
    // The driver's message repeats the statement and its parameters (every value); the cause is enough.
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    d.log.warn('writing a unit at once failed; writing its metrics one by one', { cause });
    for (const r of ready) await writeWindow(ctx, r.state, unit.window, r.series, r.breakdown);
    return;
  }
  for (const r of ready) noteWritten(r.state, unit.window, r.series.length);
}

function noteWritten(state: MetricState, window: Window, values: number): void {
  state.valuesWritten += values;
  state.written = state.written
    ? {
        start: new Date(Math.min(state.written.start.getTime(), window.start.getTime())),
        end: new Date(Math.max(state.written.end.getTime(), window.end.getTime())),
      }
    : window;
}

async function runSqlJob(ctx: RunContext, job: Extract<Job, { kind: 'sql' }>): Promise<void> {
  const state = ctx.states.get(job.metricId) as MetricState;
  if (state.status !== 'pending') return;
  const def = state.definition as Extract<MetricDefinition, { kind: 'sql' }>;
  const client = await clientFor(ctx, job.dataSourceId);
  let ok = false;
  try {
    if ('error' in client) throw new WarehouseError('connection', client.error);
    const result = await runBuiltQuery(ctx, client, def.sql, job.window);
    const { series, breakdown } = readSqlMetricRows(
      result.rows,
      result.columns.map((c) => c.name),
      { interval: state.row.interval, zone: ctx.zone, window: job.window, valueKind: state.row.valueKind },
    );
    await writeWindow(ctx, state, job.window, series, breakdown);
    ok = state.status === 'pending';
  } catch (error) {
    fail(state, describe(error));
  }
  await progress(
    ctx,
    `${state.row.name} · ${job.window.start.toISOString()} → ${job.window.end.toISOString()}`,
    ok,
  );
}

async function writeWindow(
  ctx: RunContext,
  state: MetricState,
  window: Window,
  series: SeriesPoint[],
  breakdown: BreakdownPoint[],
): Promise<void> {
  const { d } = ctx;
  const now = d.now();
  try {
    await d.db.transaction(async (tx) => {
      await replaceSeries(tx, { metricId: state.row.id, window, points: series, now });
      await replaceBreakdown(tx, { metricId: state.row.id, window, points: breakdown, now });
      if (ctx.mode === 'tick') {
        await advanceWatermark(tx, {
          metricId: state.row.id,
          settledUntil: window.end,
          nextDueAt: addBuckets(window.end, state.row.interval, 1, ctx.zone),
        });
      }
      if (d.beforeCommit) await d.beforeCommit(state.row.id);
    });
    noteWritten(state, window, series.length);
  } catch (error) {
    d.log.error('writing a metric window failed', { metricId: state.row.id, error });
    fail(state, 'Writing the values failed; the previous values were kept.');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compositions: from stored series, after their inputs

async function collectCompositions(ctx: RunContext): Promise<void> {
  const compositions = [...ctx.states.values()].filter(
    (s) => s.status === 'pending' && s.definition?.kind === 'composition',
  );
  if (compositions.length === 0) return;
  const ordered = orderCompositions(compositions);
  for (const state of ordered) {
    if (ctx.d.now().getTime() >= ctx.deadline) {
      state.status = 'skipped';
      state.error = 'The time budget ran out; the next run continues from here.';
      continue;
    }
    await computeComposition(ctx, state);
    await progress(ctx, state.row.name, state.status !== 'failed');
  }
}

/** Compositions of compositions run after their inputs; input order is otherwise kept. */
function orderCompositions(states: MetricState[]): MetricState[] {
  const byId = new Map(states.map((s) => [s.row.id, s]));
  const done = new Set<string>();
  const ordered: MetricState[] = [];
  const visit = (s: MetricState, depth: number) => {
    if (done.has(s.row.id) || depth > states.length) return;
    const def = s.definition as Extract<MetricDefinition, { kind: 'composition' }>;
    for (const input of [def.a, def.b]) {
      const dep = input ? byId.get(input) : undefined;
      if (dep) visit(dep, depth + 1);
    }
    if (!done.has(s.row.id)) {
      done.add(s.row.id);
      ordered.push(s);
    }
  };
  for (const s of states) visit(s, 0);
  return ordered;
}

async function computeComposition(ctx: RunContext, state: MetricState): Promise<void> {
  const { d, project } = ctx;
  const def = state.definition as Extract<MetricDefinition, { kind: 'composition' }>;
  const inputIds = [def.a, ...(def.b ? [def.b] : [])];
  const inputStates = inputIds.map((id) => ctx.states.get(id));
  const failedInput = inputStates.find((s) => s?.status === 'failed');
  if (failedInput) {
    fail(state, `Its input "${failedInput.row.name}" failed in this run.`);
    return;
  }
  const inputs = await loadMetricsByIds(d.db, { projectId: project.id, ids: inputIds });
  if (inputs.length !== inputIds.length) {
    fail(state, 'One of its input metrics no longer exists.');
    return;
  }
  const windowStart = state.chunks[0]?.start;
  let windowEnd = state.chunks.at(-1)?.end;
  if (!windowStart || !windowEnd) return;
  // Only buckets every input has settled: a bucket an input has not collected yet is not a zero.
  for (const input of inputs) {
    const settled = input.watermark;
    if (settled === null) {
      fail(state, `Its input "${input.name}" has not been collected yet.`);
      return;
    }
    if (ctx.mode === 'tick' && settled.getTime() < windowEnd.getTime()) windowEnd = settled;
  }
  if (windowEnd.getTime() <= windowStart.getTime()) {
    state.status = 'ok';
    return;
  }
  const window = { start: windowStart, end: windowEnd };
  const stored = await readSeries(d.db, { metricIds: inputIds, window });
  const kindOf = (id: string) => inputs.find((m) => m.id === id)?.valueKind ?? 'fractional';
  const series = composeSeries(
    def,
    listBuckets(window, state.row.interval, ctx.zone),
    { valueKind: kindOf(def.a), values: stored.get(def.a) ?? new Map() },
    def.b ? { valueKind: kindOf(def.b), values: stored.get(def.b) ?? new Map() } : null,
  );
  await writeWindow(ctx, state, window, series, []);
  if (state.status === 'pending') state.status = 'ok';
}

/** Anomaly detection over what this run wrote; a failure there is logged and never fails the collection. */
async function detectAfterRun(ctx: RunContext): Promise<void> {
  const written = writtenWindows(ctx);
  if (written.length === 0) return;
  try {
    const report = await detectWritten(ctx.d.db, {
      projectId: ctx.project.id,
      zone: ctx.zone,
      written,
      now: ctx.d.now(),
    });
    ctx.anomaliesWritten = report.anomaliesWritten;
  } catch (error) {
    ctx.d.log.error('anomaly detection after collection failed', { runId: ctx.run.id, error });
    return;
  }
  try {
    // Every written metric, anomalous or not: that is how firing alerts resolve. Sending happens later.
    await evaluateAlerts(ctx.d.db, {
      projectId: ctx.project.id,
      metricIds: written.map((w) => w.metricId),
      now: ctx.d.now(),
    });
  } catch (error) {
    ctx.d.log.error('alert evaluation after collection failed', { runId: ctx.run.id, error });
  }
}

function writtenWindows(ctx: RunContext): { metricId: string; window: Window }[] {
  return [...ctx.states.values()]
    .filter((s) => s.written !== null && s.valuesWritten > 0)
    .map((s) => ({ metricId: s.row.id, window: s.written as Window }));
}

// ---------------------------------------------------------------------------------------------------------------
// Progress, heartbeat, finish

async function progress(ctx: RunContext, label: string, ok: boolean): Promise<void> {
  ctx.progress.done += 1;
  await updateRun(ctx.d.db, ctx.run.id, { progressDone: ctx.progress.done });
  ctx.d.onProgress?.({ runId: ctx.run.id, done: ctx.progress.done, total: ctx.progress.total, label, ok });
}

async function heartbeat(ctx: RunContext): Promise<void> {
  const now = ctx.d.now().getTime();
  if (now - ctx.lastBeat < ctx.d.leaseMs / 3) return;
  ctx.lastBeat = now;
  const leaseUntil = new Date(now + ctx.d.leaseMs);
  await updateRun(ctx.d.db, ctx.run.id, { lockedUntil: leaseUntil, heartbeatAt: new Date(now) });
  await extendClaims(ctx.d.db, { runId: ctx.run.id, leaseUntil });
}

async function finishRun(ctx: RunContext, input: { error?: string; failed?: boolean }): Promise<void> {
  const { d, run } = ctx;
  const finished = d.now();
  const details: RunMetricDetail[] = [];
  let written = 0;
  let failed = 0;
  let values = 0;
  const succeeded: string[] = [];
  for (const s of ctx.states.values()) {
    if (s.status === 'pending') s.status = 'ok';
    details.push({
      metricId: s.row.id,
      name: s.row.name,
      status: s.status === 'failed' ? 'failed' : s.status === 'skipped' ? 'skipped' : 'ok',
      valuesWritten: s.valuesWritten,
      durationMs: finished.getTime() - s.startedMs,
      ...(s.written
        ? { windowStart: s.written.start.toISOString(), windowEnd: s.written.end.toISOString() }
        : {}),
      ...(s.error ? { error: s.error } : {}),
    });
    if (s.status === 'failed') failed += 1;
    if (s.status === 'ok' && s.valuesWritten > 0) written += 1;
    values += s.valuesWritten;
    if (s.status === 'ok') succeeded.push(s.row.id);
    else if (s.status === 'failed') {
      await recordMetricOutcome(d.db, {
        metricId: s.row.id,
        at: finished,
        ok: false,
        error: s.error ?? null,
        // A broken metric is not retried on every tick: the warehouse gets a rest, the others go on.
        retryAt: new Date(finished.getTime() + FAILED_RETRY_MS),
      });
    }
  }
  await recordSuccesses(d.db, { metricIds: succeeded, at: finished });
  const attempted = ctx.states.size;
  const allFailed = attempted > 0 && failed === attempted;
  const status = input.failed || allFailed ? 'failed' : 'completed';
  const error =
    input.error ??
    (failed > 0
      ? `${failed} of ${attempted} metric${attempted === 1 ? '' : 's'} failed; see each metric's error.`
      : null);
  await updateRun(d.db, run.id, {
    status,
    error,
    details,
    metricsAttempted: attempted,
    metricsWritten: written,
    metricsFailed: failed,
    valuesWritten: values,
    anomaliesWritten: ctx.anomaliesWritten,
    progressDone: ctx.progress.total,
    finishedAt: finished,
    durationMs: finished.getTime() - (run.startedAt ?? run.createdAt).getTime(),
    lockedBy: null,
    lockedUntil: null,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Preview: a definition's latest buckets, computed like a collection but written nowhere

export type PreviewResult = {
  window: Window;
  series: SeriesPoint[];
  breakdown: BreakdownPoint[];
  elapsedMs: number;
};

/**
 * Runs a (possibly unsaved) definition over the last `buckets` settled buckets through the same planner, SQL
 * guard and runner as collection. Errors are thrown as WarehouseError / SqlMetricShapeError with the message.
 */
export async function previewSeries(
  deps: Pick<EngineDeps, 'db' | 'openClient' | 'now' | 'limits'>,
  input: { project: ProjectRow; metric: PlannedMetric; buckets: number },
): Promise<PreviewResult> {
  const d = resolveDeps(deps);
  const started = performance.now();
  const zone = input.project.timeZone;
  const { metric } = input;
  const end = settledEnd(d.now(), metric.interval, zone);
  const window = { start: addBuckets(end, metric.interval, -input.buckets, zone), end };
  const opts = { limits: d.limits, retry: { attempts: 1, baseDelayMs: 0 } };
  const definition = metric.definition;
  const done = (series: SeriesPoint[], breakdown: BreakdownPoint[] = []): PreviewResult => ({
    window,
    series,
    breakdown,
    elapsedMs: Math.round(performance.now() - started),
  });

  if (definition.kind === 'composition') {
    const ids = [definition.a, ...(definition.b ? [definition.b] : [])];
    const inputs = await loadMetricsByIds(d.db, { projectId: input.project.id, ids });
    const stored = await readSeries(d.db, { metricIds: ids, window });
    const kindOf = (id: string) => inputs.find((m) => m.id === id)?.valueKind ?? 'fractional';
    return done(
      composeSeries(
        definition,
        listBuckets(window, metric.interval, zone),
        { valueKind: kindOf(definition.a), values: stored.get(definition.a) ?? new Map() },
        definition.b
          ? { valueKind: kindOf(definition.b), values: stored.get(definition.b) ?? new Map() }
          : null,
      ),
    );
  }

  // Fact tables are loaded (and their SQL re-checked) before connecting: their data source is the one to open.
  const tables = new Map<string, PlanFactTable>();
  if (definition.kind === 'fact') {
    const ids =
      definition.shape === 'single'
        ? [definition.operand.factTableId]
        : [definition.numerator.factTableId, definition.denominator.factTableId];
    const loaded = await loadPlanFactTables(d.db, { projectId: input.project.id, ids });
    for (const id of ids) {
      const table = loaded.get(id);
      if (!table) throw new WarehouseError('query', 'Its fact table no longer exists.');
      if ('error' in table) throw new WarehouseError('query', table.error);
      tables.set(id, table);
    }
  }
  const sourceId =
    definition.kind === 'sql' ? definition.dataSourceId : [...tables.values()][0]?.dataSourceId;
  const [source] = sourceId
    ? await loadDataSources(d.db, { projectId: input.project.id, ids: [sourceId] })
    : [];
  if (!source) throw new WarehouseError('connection', 'The data source no longer exists.');
  const opened = await d.openClient(source);
  try {
    const client = opened.client;
    if (definition.kind === 'sql') {
      const result = await runChecked(
        client,
        await checkForRun(definition.sql, client.dialect),
        window,
        opts,
      );
      const { series, breakdown } = readSqlMetricRows(
        result.rows,
        result.columns.map((c) => c.name),
        { interval: metric.interval, zone, window, valueKind: metric.valueKind },
      );
      return done(series, breakdown);
    }
    const { unit, problems } = planUnit({
      dataSourceId: source.id,
      interval: metric.interval,
      window,
      metrics: [metric],
      factTables: tables,
    });
    if (problems[0]) throw new WarehouseError('query', problems[0].message);
    const recipe = unit.recipes[0];
    if (!recipe) return done([]);
    const scanRows = new Map<string, ScanRows>();
    for (const scan of unit.scans) {
      const result = await runChecked(
        client,
        await checkForRun(renderScanFor(scan, metric.interval, zone), client.dialect),
        window,
        opts,
      );
      scanRows.set(scan.key, indexByBucket(result.rows));
    }
    const breakdown: BreakdownPoint[] = [];
    if (recipe.shape === 'single') {
      for (const b of recipe.breakdowns) {
        const scan = unit.breakdownScans.find((x) => x.key === b.scanKey);
        if (!scan) continue;
        const result = await runChecked(
          client,
          await checkForRun(renderBreakdownScanFor(scan, metric.interval, zone), client.dialect),
          window,
          opts,
        );
        breakdown.push(
          ...assembleBreakdown(result.rows, {
            dimension: b.dimension,
            alias: b.alias,
            aggregation: recipe.value.aggregation,
          }),
        );
      }
    }
    return done(assembleSeries(recipe, scanRows, metric.valueKind), breakdown);
  } finally {
    await opened.release();
  }
}
