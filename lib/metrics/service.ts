import type { DbOrTx } from '@/db/client';
import { onUniqueViolation } from '@/db/errors';
import { emitAudit } from '@/lib/audit/service';
import { actorUserId, requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { rescoreBand } from '@/lib/detection/pipeline';
import { AppError, notFound, parseInput } from '@/lib/errors';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import { diffSnapshots, type SnapshotChange } from './diff';
import {
  deleteMetricRow,
  findOtherMetricByName,
  getMetricInProject,
  getMetricWithOwnerInProject,
  insertMetric,
  insertMetricVersion,
  listCatalogRows,
  listMetricsInProjectByIds,
  listMetricsReadingMetric,
  listMetricVersionRows,
  lockMetricGraph,
  replaceMetricDependencies,
  setLifecycle,
  updateMetricRow,
  type MetricRow,
} from './queries';
import {
  catalogQuerySchema,
  metricIdInputSchema,
  metricInputSchema,
  setLifecycleInputSchema,
  updateMetricInputSchema,
  type MetricDefinition,
  type MetricDirection,
  type MetricFormat,
  type MetricInput,
  type MetricInterval,
  type MetricLifecycle,
  type ValueKind,
} from './schemas';
import {
  assertMetricReferences,
  normalizeDefinition,
  parseStoredDefinition,
  validateMetric,
} from './validate';

export type CatalogRow = {
  id: string;
  name: string;
  description: string;
  kind: 'fact' | 'sql' | 'composition';
  lifecycle: MetricLifecycle;
  interval: MetricInterval;
  tags: string[];
  unit: string;
  format: MetricFormat;
  ownerId: string | null;
  ownerName: string | null;
  lastCollectionStatus: 'ok' | 'failed' | null;
  lastCollectionError: string | null;
  lastSuccessAt: string | null;
  createdAt: string;
};

export async function listCatalog({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<CatalogRow[]> {
  requireRole(ctx, 'viewer');
  const query = parseInput(catalogQuerySchema, input);
  const rows = await listCatalogRows(ctx.db, { projectId: ctx.project.id, query });
  return rows.map(toCatalogRow);
}

/** The rows matching the query's filters and every row of the project (for the filter menus), in one read. */
export async function listCatalogWithAll({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<{ matching: CatalogRow[]; all: CatalogRow[] }> {
  requireRole(ctx, 'viewer');
  const query = parseInput(catalogQuerySchema, input);
  const rows = await listCatalogRows(ctx.db, { projectId: ctx.project.id, query, everyRow: true });
  const all = rows.map(toCatalogRow);
  return { matching: all.filter((_, i) => rows[i]?.matches === true), all };
}

function toCatalogRow(r: Awaited<ReturnType<typeof listCatalogRows>>[number]): CatalogRow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    lifecycle: r.lifecycle,
    interval: r.interval,
    tags: r.tags,
    unit: r.unit,
    format: r.format,
    ownerId: r.ownerId,
    ownerName: r.ownerName,
    lastCollectionStatus: r.lastCollectionStatus,
    lastCollectionError: r.lastCollectionError,
    lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Bulk archive / activate / back to draft, all or nothing: an id outside the project fails the whole call. */
export async function setMetricsLifecycle({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<{ updated: number }> {
  requireRole(ctx, 'editor');
  const { metricIds, lifecycle } = parseInput(setLifecycleInputSchema, input);
  const ids = [...new Set(metricIds)];
  return withTransaction(ctx, async (tx) => {
    const before = await listMetricsInProjectByIds(tx.db, { projectId: ctx.project.id, metricIds: ids });
    if (before.length !== ids.length) throw notFound('One of the selected metrics');
    const after = await setLifecycle(tx.db, { projectId: ctx.project.id, metricIds: ids, lifecycle });
    for (const metric of before) {
      await emitAudit(tx, {
        action: `metric.${lifecycle === 'archived' ? 'archive' : lifecycle === 'active' ? 'activate' : 'draft'}`,
        resource: { type: 'metric', id: metric.id },
        before: { lifecycle: metric.lifecycle },
        after: { lifecycle },
      });
    }
    return { updated: after.length };
  });
}

export type MetricDto = {
  id: string;
  name: string;
  description: string;
  ownerId: string | null;
  ownerName: string | null;
  tags: string[];
  unit: string;
  format: MetricFormat;
  direction: MetricDirection;
  interval: MetricInterval;
  lifecycle: MetricLifecycle;
  sensitivity: number;
  kind: MetricDefinition['kind'];
  definition: MetricDefinition;
  valueKind: ValueKind;
  version: number;
  /** Compositions that read this metric; it cannot be deleted while there are any. */
  readBy: { id: string; name: string }[];
  lastCollectedAt: string | null;
  lastSuccessAt: string | null;
  lastCollectionStatus: 'ok' | 'failed' | null;
  lastCollectionError: string | null;
  createdAt: string;
  updatedAt: string;
};

export type MetricUpdateResult = {
  metric: MetricDto;
  /** False when the input matched the stored version: nothing was written. */
  changed: boolean;
  /** The definition or the interval changed, so stored history no longer matches: offer a recompute. */
  definitionChanged: boolean;
};

export type MetricVersionDto = {
  version: number;
  /** The metric input as saved at this version. */
  snapshot: Record<string, unknown>;
  changedBy: { id: string; name: string } | null;
  createdAt: string;
  /** Differences from the previous version; empty for the first. */
  changes: SnapshotChange[];
};

type Verb = { ctx: ServiceContext; input: unknown; resolve?: WarehouseResolver };

const resource = (id: string) => ({ type: 'metric', id });

/** The full input a version records: metadata and definition, as the form sends it. */
function snapshotOf(row: MetricRow): MetricInput {
  return {
    name: row.name,
    description: row.description,
    ownerId: row.ownerId,
    tags: row.tags,
    unit: row.unit,
    format: row.format,
    direction: row.direction,
    interval: row.interval,
    lifecycle: row.lifecycle,
    sensitivity: row.sensitivity,
    definition: parseStoredDefinition(row.definition),
  };
}

function toMetricDto(
  row: MetricRow,
  { ownerName, readBy }: { ownerName: string | null; readBy: { id: string; name: string }[] },
): MetricDto {
  return {
    ...snapshotOf(row),
    id: row.id,
    ownerName,
    kind: row.kind,
    valueKind: row.valueKind,
    version: row.version,
    readBy,
    lastCollectedAt: row.lastCollectedAt?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastCollectionStatus: row.lastCollectionStatus,
    lastCollectionError: row.lastCollectionError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function loadMetricDto(db: DbOrTx, projectId: string, metricId: string): Promise<MetricDto> {
  const { metric, ownerName } = await getMetricWithOwnerInProject(db, { projectId, metricId });
  const readers = await listMetricsReadingMetric(db, { projectId, metricId });
  return toMetricDto(metric, { ownerName, readBy: readers.map(({ id, name }) => ({ id, name })) });
}

const nameTaken = (name: string) =>
  new AppError('conflict', `A metric named "${name}" already exists in this project.`, {
    fieldErrors: { name: 'Another metric already has this name.' },
  });

async function assertNameFree(
  db: DbOrTx,
  { projectId, name, exceptId }: { projectId: string; name: string; exceptId?: string },
): Promise<void> {
  if (await findOtherMetricByName(db, { projectId, name, exceptId })) throw nameTaken(name);
}

const staleVersion = () =>
  new AppError(
    'conflict',
    'Someone else saved this metric after you opened it. Reload to see their changes, then edit again.',
  );

/** Creates a metric at version 1: checked against the database and (for `sql` metrics) the warehouse. */
export async function createMetric({ ctx, input, resolve }: Verb): Promise<MetricDto> {
  requireRole(ctx, 'editor');
  const parsed = parseInput(metricInputSchema, input);
  const fields: MetricInput = { ...parsed, definition: normalizeDefinition(parsed.definition) };
  const projectId = ctx.project.id;
  await assertNameFree(ctx.db, { projectId, name: fields.name });
  await validateMetric({ db: ctx.db, projectId, input: fields, resolve, now: ctx.now() });

  return withTransaction(ctx, async (tx) => {
    if (fields.definition.kind === 'composition') await lockMetricGraph(tx.db, { projectId });
    const checked = await assertMetricReferences(tx.db, { projectId, input: fields });
    await assertNameFree(tx.db, { projectId, name: fields.name });
    const row = await onUniqueViolation(
      'metrics_project_name_unique',
      () => nameTaken(fields.name),
      () =>
        insertMetric(tx.db, {
          ...fields,
          projectId,
          kind: fields.definition.kind,
          valueKind: checked.valueKind,
          dependencies: checked.dependencies,
        }),
    );
    await insertMetricVersion(tx.db, {
      metricId: row.id,
      version: row.version,
      snapshot: fields,
      changedBy: actorUserId(ctx.actor),
    });
    await emitAudit(tx, {
      action: 'metric.create',
      resource: resource(row.id),
      after: { version: row.version, ...fields },
    });
    return loadMetricDto(tx.db, projectId, row.id);
  });
}

/**
 * Saves an edit made on `expectedVersion`; a stale version is a conflict. Each save bumps the version and
 * records the full snapshot, so the history shows what changed and who changed it.
 */
export async function updateMetric({ ctx, input, resolve }: Verb): Promise<MetricUpdateResult> {
  requireRole(ctx, 'editor');
  const { metricId, expectedVersion, ...parsed } = parseInput(updateMetricInputSchema, input);
  const fields: MetricInput = { ...parsed, definition: normalizeDefinition(parsed.definition) };
  const projectId = ctx.project.id;
  const current = await getMetricInProject(ctx.db, { projectId, metricId });
  if (current.version !== expectedVersion) throw staleVersion();
  if (diffSnapshots(snapshotOf(current), fields).length === 0) {
    return {
      metric: await loadMetricDto(ctx.db, projectId, metricId),
      changed: false,
      definitionChanged: false,
    };
  }
  await assertNameFree(ctx.db, { projectId, name: fields.name, exceptId: metricId });
  await validateMetric({ db: ctx.db, projectId, input: fields, edited: current, resolve, now: ctx.now() });

  return withTransaction(ctx, async (tx) => {
    const touchesGraph = fields.definition.kind === 'composition' || fields.interval !== current.interval;
    if (touchesGraph) await lockMetricGraph(tx.db, { projectId });
    const beforeRow = await getMetricInProject(tx.db, { projectId, metricId });
    if (beforeRow.version !== expectedVersion) throw staleVersion();
    const before = snapshotOf(beforeRow);
    const changes = diffSnapshots(before, fields);
    const checked = await assertMetricReferences(tx.db, { projectId, input: fields, edited: beforeRow });
    await assertNameFree(tx.db, { projectId, name: fields.name, exceptId: metricId });
    const row = await onUniqueViolation(
      'metrics_project_name_unique',
      () => nameTaken(fields.name),
      () =>
        updateMetricRow(tx.db, {
          projectId,
          metricId,
          expectedVersion,
          values: { ...fields, kind: fields.definition.kind, valueKind: checked.valueKind },
        }),
    );
    if (!row) throw staleVersion();
    await replaceMetricDependencies(tx.db, { metricId, dependencies: checked.dependencies });
    // The stored band is drawn at the sensitivity it was scored with: draw it again at the new one (a changed
    // interval no longer matches the stored buckets; the recompute it calls for scores them again).
    if (before.sensitivity !== fields.sensitivity && before.interval === fields.interval) {
      await rescoreBand(tx.db, { projectId, metricId, zone: ctx.project.timeZone, from: null });
    }
    await insertMetricVersion(tx.db, {
      metricId,
      version: row.version,
      snapshot: fields,
      changedBy: actorUserId(ctx.actor),
    });
    await emitAudit(tx, {
      action: 'metric.update',
      resource: resource(metricId),
      before: { version: beforeRow.version, ...before },
      after: { version: row.version, ...fields },
      metadata: { changes: changes.map((c) => c.path) },
    });
    return {
      metric: await loadMetricDto(tx.db, projectId, metricId),
      changed: true,
      definitionChanged: changes.some((c) => c.path === 'interval' || c.path.startsWith('definition')),
    };
  });
}

export async function getMetric({ ctx, input }: Verb): Promise<MetricDto> {
  requireRole(ctx, 'viewer');
  const { metricId } = parseInput(metricIdInputSchema, input);
  return loadMetricDto(ctx.db, ctx.project.id, metricId);
}

/** Every saved version, newest first, each with what changed since the one before it. */
export async function listMetricVersions({ ctx, input }: Verb): Promise<MetricVersionDto[]> {
  requireRole(ctx, 'viewer');
  const { metricId } = parseInput(metricIdInputSchema, input);
  await getMetricInProject(ctx.db, { projectId: ctx.project.id, metricId });
  const rows = await listMetricVersionRows(ctx.db, { metricId });
  return rows.map((row, i) => {
    const previous = rows[i + 1];
    return {
      version: row.version,
      snapshot: row.snapshot,
      changedBy: row.changedBy === null ? null : { id: row.changedBy, name: row.changedByName ?? '' },
      createdAt: row.createdAt.toISOString(),
      changes: previous ? diffSnapshots(previous.snapshot, row.snapshot) : [],
    };
  });
}

/** Deletes a metric no composition reads; its series, anomalies and versions go with it. */
export async function deleteMetric({ ctx, input }: Verb): Promise<{ id: string }> {
  requireRole(ctx, 'editor');
  const { metricId } = parseInput(metricIdInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    await lockMetricGraph(tx.db, { projectId });
    const row = await getMetricInProject(tx.db, { projectId, metricId });
    const readers = await listMetricsReadingMetric(tx.db, { projectId, metricId });
    if (readers.length > 0) {
      const names = readers.map((r) => r.name);
      throw new AppError(
        'conflict',
        `${names.length === 1 ? 'A composition reads' : `${names.length} compositions read`} this metric: ${names.join(', ')}. Change or delete ${names.length === 1 ? 'it' : 'them'} first.`,
      );
    }
    await deleteMetricRow(tx.db, { projectId, metricId });
    await emitAudit(tx, {
      action: 'metric.delete',
      resource: resource(metricId),
      before: { version: row.version, ...snapshotOf(row) },
    });
    return { id: metricId };
  });
}
