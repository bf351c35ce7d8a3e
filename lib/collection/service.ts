/**
 * Collection verbs for people: run now, backfill a range, list and read runs, show the SQL a metric runs.
 * Runs are queued here and executed by executeQueuedRun (right after the response, or by the next tick).
 */
import { z } from 'zod';
import { getDb } from '@/db/client';
import { emitAudit } from '@/lib/audit/service';
import { actorUserId, requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { listMetricsInProjectByIds } from '@/lib/metrics/queries';
import { metricDefinitionSchema, type MetricDefinition } from '@/lib/metrics/schemas';
import { findProjectBySlug } from '@/lib/projects/queries';
import { getMetricInProject } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { normalizeDefinition, validateMetric } from '@/lib/metrics/validate';
import { consumePreviewBudget } from '@/lib/ops/preview-limit';
import { SqlMetricShapeError } from './sql-metric';
import { WarehouseError } from '@/lib/warehouse/errors';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import {
  enqueueRun,
  executePendingRun,
  loadPlanFactTables,
  previewSeries,
  type EngineDeps,
  type RunReport,
} from './engine';
import { planUnit, type PlanFactTable } from './plan';
import {
  getRunInProject,
  insertRun,
  listActiveMetricIds,
  listRuns as listRunRows,
  listRunsOfMetric,
  type RunRow,
} from './queries';
import { renderBreakdownScan, renderScan } from './render-postgres';
import { settledEnd } from './windows';

/** Backfills rebuild at most this much history in one run. */
const MAX_BACKFILL_DAYS = 3 * 366;

const runNowSchema = z.object({ metricIds: z.array(z.uuid('Unknown metric.')).max(500).optional() }).strict();

/** A date (`2026-01-31`, midnight UTC) or an instant with its offset (`2026-01-31T12:00:00Z`). */
const isoInstant = (label: string) =>
  z
    .string({ error: `${label}: enter a date.` })
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, {
      error: `${label}: enter a date such as 2026-01-31, or a time such as 2026-01-31T12:00:00Z.`,
    })
    .refine((value) => !Number.isNaN(new Date(value).getTime()), {
      error: `${label}: that date does not exist.`,
    });

const backfillSchema = z
  .object({
    metricIds: z.array(z.uuid('Unknown metric.')).min(1, 'Pick at least one metric.').max(500),
    start: isoInstant('From'),
    end: isoInstant('To'),
  })
  .strict()
  .superRefine((input, issue) => {
    const start = new Date(input.start).getTime();
    const end = new Date(input.end).getTime();
    if (!(start < end)) issue.addIssue({ code: 'custom', path: ['end'], message: 'To must be after From.' });
    else if (end - start > MAX_BACKFILL_DAYS * 86_400_000) {
      issue.addIssue({
        code: 'custom',
        path: ['start'],
        message: `Backfill at most ${MAX_BACKFILL_DAYS} days at once.`,
      });
    }
  });

const runIdSchema = z.object({ runId: z.uuid('Unknown run.') }).strict();
const metricIdSchema = z.object({ metricId: z.uuid('Unknown metric.') }).strict();
const listRunsSchema = z.object({ before: z.iso.datetime().optional() }).strict();

export type RunDto = {
  id: string;
  trigger: RunRow['trigger'];
  status: RunRow['status'];
  windowStart: string | null;
  windowEnd: string | null;
  metricsAttempted: number;
  metricsWritten: number;
  metricsFailed: number;
  valuesWritten: number;
  progressDone: number;
  progressTotal: number;
  details: RunRow['details'];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  request: RunRow['request'];
};

export function toRunDto(row: RunRow): RunDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    windowStart: iso(row.windowStart),
    windowEnd: iso(row.windowEnd),
    metricsAttempted: row.metricsAttempted,
    metricsWritten: row.metricsWritten,
    metricsFailed: row.metricsFailed,
    valuesWritten: row.valuesWritten,
    progressDone: row.progressDone,
    progressTotal: row.progressTotal,
    details: row.details,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    durationMs: row.durationMs,
    request: row.request,
  };
}

async function assertCollectable(ctx: ServiceContext, metricIds: readonly string[]): Promise<void> {
  const rows = await listMetricsInProjectByIds(ctx.db, {
    projectId: ctx.project.id,
    metricIds: [...metricIds],
  });
  const unknown = metricIds.filter((id) => !rows.some((r) => r.id === id));
  if (unknown.length > 0) {
    throw new AppError('validation', 'Some metrics were not found in this project.', {
      fieldErrors: { metricIds: 'Some metrics were not found in this project.' },
    });
  }
  const archived = rows.filter((r) => r.lifecycle === 'archived');
  if (archived.length > 0) {
    const message = `Archived metrics are not collected: ${archived.map((r) => r.name).join(', ')}. Activate them first.`;
    throw new AppError('validation', message, { fieldErrors: { metricIds: message } });
  }
}

/**
 * Queues a manual run: the listed metrics (or every active one) re-collect their recent buckets now. A run asked for
 * with an API token is marked `api`, so the runs page tells a script's runs from a person's.
 */
export async function startCollection({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<RunDto> {
  requireRole(ctx, 'editor');
  const { metricIds } = parseInput(runNowSchema, input ?? {});
  if (metricIds) await assertCollectable(ctx, metricIds);
  return withTransaction(ctx, async (tx) => {
    const run = await insertRun(tx.db, {
      projectId: ctx.project.id,
      trigger: ctx.actor.type === 'token' ? 'api' : 'manual',
      status: 'pending',
      request: metricIds ? { metricIds, force: true } : { force: true, metricIds: await activeIds(tx) },
      createdBy: actorUserId(ctx.actor),
    });
    await emitAudit(tx, {
      action: 'collection.run',
      resource: { type: 'collection_run', id: run.id },
      metadata: { metrics: run.request.metricIds?.length ?? 0 },
    });
    return toRunDto(run);
  });
}

function activeIds(ctx: ServiceContext): Promise<string[]> {
  return listActiveMetricIds(ctx.db, { projectId: ctx.project.id });
}

/** Queues a backfill: every bucket of the metrics that starts in [start, end) is rebuilt. */
export async function startBackfill({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<RunDto> {
  requireRole(ctx, 'editor');
  const parsed = parseInput(backfillSchema, input);
  await assertCollectable(ctx, parsed.metricIds);
  const start = new Date(parsed.start);
  const end = new Date(parsed.end);
  if (start.getTime() >= ctx.now().getTime()) {
    throw new AppError('validation', 'From is in the future; nothing there has been collected yet.', {
      fieldErrors: { start: 'From must be in the past.' },
    });
  }
  return withTransaction(ctx, async (tx) => {
    const run = await enqueueRun(tx.db as Parameters<typeof enqueueRun>[0], {
      projectId: ctx.project.id,
      trigger: 'backfill',
      request: { metricIds: parsed.metricIds, start: start.toISOString(), end: end.toISOString() },
      createdBy: actorUserId(ctx.actor),
    });
    await emitAudit(tx, {
      action: 'collection.backfill',
      resource: { type: 'collection_run', id: run.id },
      metadata: { metrics: parsed.metricIds.length, start: start.toISOString(), end: end.toISOString() },
    });
    return toRunDto(run);
  });
}

/** Executes a queued run in this process; when it is already taken (another worker), nothing happens. */
export async function executeQueuedRun(runId: string): Promise<RunReport | undefined> {
  const { db } = await getDb();
  return executePendingRun({ db }, { runId });
}

export async function listRuns({ ctx, input }: { ctx: ServiceContext; input?: unknown }): Promise<RunDto[]> {
  requireRole(ctx, 'viewer');
  const { before } = parseInput(listRunsSchema, input ?? {});
  const rows = await listRunRows(ctx.db, {
    projectId: ctx.project.id,
    limit: 50,
    before: before ? new Date(before) : undefined,
  });
  return rows.map(toRunDto);
}

/** The latest runs that collected one metric, for its page. */
export async function listMetricRuns({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<RunDto[]> {
  requireRole(ctx, 'viewer');
  const { metricId } = parseInput(metricIdSchema, input);
  const rows = await listRunsOfMetric(ctx.db, { projectId: ctx.project.id, metricId, limit: 10 });
  return rows.map(toRunDto);
}

export async function getRun({ ctx, input }: { ctx: ServiceContext; input: unknown }): Promise<RunDto> {
  requireRole(ctx, 'viewer');
  const { runId } = parseInput(runIdSchema, input);
  const row = await getRunInProject(ctx.db, { projectId: ctx.project.id, runId });
  if (!row) throw notFound('Collection run');
  return toRunDto(row);
}

export type MetricQuery = { label: string; sql: string };

/**
 * The SQL collection runs for a metric, as it runs: `{{start}}` and `{{end}}` are bound to each window's bounds.
 * Fact metrics show their scan (shared with every metric on the fact table) and breakdown queries.
 */
export async function describeMetricQueries({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<MetricQuery[]> {
  requireRole(ctx, 'viewer');
  const { metricId } = parseInput(metricIdSchema, input);
  const [row] = await listMetricsInProjectByIds(ctx.db, { projectId: ctx.project.id, metricIds: [metricId] });
  if (!row) throw notFound('Metric');
  const parsed = metricDefinitionSchema.safeParse(row.definition);
  if (!parsed.success) return [];
  const definition: MetricDefinition = parsed.data;
  if (definition.kind === 'sql') return [{ label: 'SQL metric', sql: definition.sql }];
  if (definition.kind === 'composition') return [];
  const ids =
    definition.shape === 'single'
      ? [definition.operand.factTableId]
      : [definition.numerator.factTableId, definition.denominator.factTableId];
  const loaded = await loadPlanFactTables(ctx.db as Parameters<typeof loadPlanFactTables>[0], {
    projectId: ctx.project.id,
    ids,
  });
  const tables = new Map<string, PlanFactTable>();
  for (const [id, table] of loaded) {
    if ('error' in table) return [{ label: 'Cannot be planned', sql: `-- ${table.error}` }];
    tables.set(id, table);
  }
  const first = tables.get(ids[0] as string);
  if (!first) return [];
  const end = settledEnd(ctx.now(), row.interval, ctx.project.timeZone);
  const { unit } = planUnit({
    dataSourceId: first.dataSourceId,
    interval: row.interval,
    window: { start: end, end },
    metrics: [{ id: row.id, name: row.name, interval: row.interval, valueKind: row.valueKind, definition }],
    factTables: tables,
  });
  return [
    ...unit.scans.map((scan) => ({
      label: `Scan of ${scan.factTable.name}`,
      sql: renderScan(scan, row.interval, ctx.project.timeZone),
    })),
    ...unit.breakdownScans.map((scan) => ({
      label: `Breakdown of ${scan.factTable.name} by ${scan.dimension}`,
      sql: renderBreakdownScan(scan, row.interval, ctx.project.timeZone),
    })),
  ];
}

/** Buckets a preview computes: about a day of hours, two weeks of days, two months of weeks. */
const PREVIEW_BUCKETS = { hour: 24, day: 14, week: 8 } as const;

export type SeriesPreview = {
  windowStart: string;
  windowEnd: string;
  points: { bucket: string; value: number | null }[];
  breakdown: { bucket: string; dimension: string; dimensionValue: string; value: number | null }[];
  elapsedMs: number;
};

const previewInputSchema = z.object({ metricId: z.uuid().optional() }).passthrough();

/**
 * "Preview series": the form's definition, checked like a save, run over the latest settled buckets by the
 * collection engine itself, written nowhere. `metricId` names the metric being edited, if any.
 */
export async function previewMetricSeries({
  ctx,
  input,
  resolve,
  openClient,
}: {
  ctx: ServiceContext;
  input: unknown;
  resolve?: WarehouseResolver;
  openClient?: EngineDeps['openClient'];
}): Promise<SeriesPreview> {
  requireRole(ctx, 'editor');
  const { metricId, ...rest } = parseInput(previewInputSchema, input);
  delete (rest as { expectedVersion?: unknown }).expectedVersion;
  const parsed = parseInput(metricInputSchema, rest);
  await consumePreviewBudget(ctx);
  const fields = { ...parsed, definition: normalizeDefinition(parsed.definition) };
  const projectId = ctx.project.id;
  const edited = metricId ? await getMetricInProject(ctx.db, { projectId, metricId }) : undefined;
  const checked = await validateMetric({
    db: ctx.db,
    projectId,
    input: fields,
    edited,
    resolve,
    now: ctx.now(),
  });
  const project = await findProjectBySlug(ctx.db, ctx.project.slug);
  if (!project) throw notFound('Project');
  try {
    const result = await previewSeries(
      { db: ctx.db as Parameters<typeof previewSeries>[0]['db'], now: ctx.now, openClient },
      {
        project,
        buckets: PREVIEW_BUCKETS[fields.interval],
        metric: {
          id: metricId ?? 'preview',
          name: fields.name,
          interval: fields.interval,
          valueKind: checked.valueKind,
          definition: fields.definition,
        },
      },
    );
    return {
      windowStart: result.window.start.toISOString(),
      windowEnd: result.window.end.toISOString(),
      points: result.series.map((p) => ({ bucket: p.bucket.toISOString(), value: p.value })),
      breakdown: result.breakdown.map((p) => ({
        bucket: p.bucket.toISOString(),
        dimension: p.dimension,
        dimensionValue: p.dimensionValue,
        value: p.value,
      })),
      elapsedMs: result.elapsedMs,
    };
  } catch (error) {
    if (error instanceof WarehouseError || error instanceof SqlMetricShapeError) {
      throw new AppError('warehouse', error.message, {
        fieldErrors: { definition: error.message },
        cause: error,
      });
    }
    throw error;
  }
}
