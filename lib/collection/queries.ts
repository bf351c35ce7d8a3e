/**
 * Database access for collection: metric claims, the inputs a run needs, idempotent series writes, run rows.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import {
  breakdownValues,
  collectionRuns,
  dataSources,
  factTables,
  metrics,
  metricValues,
  projects,
  rowFilters,
  type RunMetricDetail,
  type RunRequest,
} from '@/db/schema';
import type { BreakdownPoint, SeriesPoint } from './assemble';
import type { Window } from './buckets';

export type MetricRow = typeof metrics.$inferSelect;
export type RunRow = typeof collectionRuns.$inferSelect;
export type FactTableRow = typeof factTables.$inferSelect;
export type DataSourceRow = typeof dataSources.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;

const INSERT_BATCH = 1_000;

/**
 * Claims metrics for a run: active ones that are due (or exactly `metricIds`), skipping any another run holds.
 * `FOR UPDATE SKIP LOCKED` keeps concurrent claimers off each other's rows; the lease lets a crashed worker's
 * metrics be claimed again once it expires.
 */
export async function claimMetrics(
  db: Db,
  input: {
    runId: string;
    projectId: string;
    now: Date;
    leaseUntil: Date;
    metricIds?: readonly string[];
    /** Ticks take only due metrics; manual runs and backfills take the listed ones whenever they are free. */
    dueOnly: boolean;
  },
): Promise<MetricRow[]> {
  return db.transaction(async (tx) => {
    const conditions = [
      eq(metrics.projectId, input.projectId),
      or(isNull(metrics.claimedUntil), lt(metrics.claimedUntil, input.now)),
    ];
    if (input.metricIds) conditions.push(inArray(metrics.id, [...input.metricIds]));
    if (input.metricIds) conditions.push(ne(metrics.lifecycle, 'archived'));
    else conditions.push(eq(metrics.lifecycle, 'active'));
    if (input.dueOnly) conditions.push(or(isNull(metrics.nextDueAt), lte(metrics.nextDueAt, input.now)));
    const free = await tx
      .select({ id: metrics.id })
      .from(metrics)
      .where(and(...conditions))
      .orderBy(asc(metrics.id))
      .for('update', { skipLocked: true });
    if (free.length === 0) return [];
    return tx
      .update(metrics)
      .set({ claimedByRunId: input.runId, claimedUntil: input.leaseUntil })
      .where(
        inArray(
          metrics.id,
          free.map((m) => m.id),
        ),
      )
      .returning();
  });
}

/** Projects with at least one active metric that is due and unclaimed: where a tick has work. */
export async function listProjectsWithDueMetrics(db: DbOrTx, now: Date): Promise<ProjectRow[]> {
  const due = db
    .select({ projectId: metrics.projectId })
    .from(metrics)
    .where(
      and(
        eq(metrics.lifecycle, 'active'),
        or(isNull(metrics.nextDueAt), lte(metrics.nextDueAt, now)),
        or(isNull(metrics.claimedUntil), lt(metrics.claimedUntil, now)),
      ),
    );
  return db.select().from(projects).where(inArray(projects.id, due)).orderBy(asc(projects.slug));
}

export async function extendClaims(db: DbOrTx, input: { runId: string; leaseUntil: Date }): Promise<void> {
  await db
    .update(metrics)
    .set({ claimedUntil: input.leaseUntil })
    .where(eq(metrics.claimedByRunId, input.runId));
}

export async function releaseClaims(db: DbOrTx, input: { runId: string; metricIds?: readonly string[] }) {
  const conditions = [eq(metrics.claimedByRunId, input.runId)];
  if (input.metricIds) conditions.push(inArray(metrics.id, [...input.metricIds]));
  await db
    .update(metrics)
    .set({ claimedByRunId: null, claimedUntil: null })
    .where(and(...conditions));
}

export async function loadMetricsByIds(db: DbOrTx, input: { projectId: string; ids: readonly string[] }) {
  if (input.ids.length === 0) return [];
  return db
    .select()
    .from(metrics)
    .where(and(eq(metrics.projectId, input.projectId), inArray(metrics.id, [...input.ids])));
}

export async function loadFactTables(db: DbOrTx, input: { projectId: string; ids: readonly string[] }) {
  if (input.ids.length === 0) return { tables: [], filters: [] };
  const ids = [...input.ids];
  const tables = await db
    .select()
    .from(factTables)
    .where(and(eq(factTables.projectId, input.projectId), inArray(factTables.id, ids)));
  const filters = await db
    .select()
    .from(rowFilters)
    .where(and(eq(rowFilters.projectId, input.projectId), inArray(rowFilters.factTableId, ids)));
  return { tables, filters };
}

export async function loadDataSources(db: DbOrTx, input: { projectId: string; ids: readonly string[] }) {
  if (input.ids.length === 0) return [];
  return db
    .select()
    .from(dataSources)
    .where(and(eq(dataSources.projectId, input.projectId), inArray(dataSources.id, [...input.ids])));
}

export async function getProject(db: DbOrTx, projectId: string): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.id, projectId));
  return row;
}

/** Stored values of metrics over a window, for compositions. */
export async function readSeries(
  db: DbOrTx,
  input: { metricIds: readonly string[]; window: Window },
): Promise<Map<string, Map<number, number | null>>> {
  const bySeries = new Map<string, Map<number, number | null>>();
  for (const id of input.metricIds) bySeries.set(id, new Map());
  if (input.metricIds.length === 0) return bySeries;
  const rows = await db
    .select({
      metricId: metricValues.metricId,
      bucketStart: metricValues.bucketStart,
      value: metricValues.value,
    })
    .from(metricValues)
    .where(
      and(
        inArray(metricValues.metricId, [...input.metricIds]),
        gte(metricValues.bucketStart, input.window.start),
        lt(metricValues.bucketStart, input.window.end),
      ),
    );
  for (const row of rows) bySeries.get(row.metricId)?.set(row.bucketStart.getTime(), row.value);
  return bySeries;
}

/**
 * Replaces a metric's values in the window: delete, then insert (an upsert, so a concurrent writer of the same
 * buckets cannot turn the insert into a key violation). Run inside the caller's transaction, so readers see
 * the old window or the new one, never half of each.
 */
export async function replaceSeries(
  tx: DbOrTx,
  input: { metricId: string; window: Window; points: readonly SeriesPoint[]; now: Date },
): Promise<number> {
  await tx
    .delete(metricValues)
    .where(
      and(
        eq(metricValues.metricId, input.metricId),
        gte(metricValues.bucketStart, input.window.start),
        lt(metricValues.bucketStart, input.window.end),
      ),
    );
  for (let i = 0; i < input.points.length; i += INSERT_BATCH) {
    const batch = input.points.slice(i, i + INSERT_BATCH);
    await tx
      .insert(metricValues)
      .values(
        batch.map((p) => ({
          metricId: input.metricId,
          bucketStart: p.bucket,
          value: p.value,
          updatedAt: input.now,
        })),
      )
      .onConflictDoUpdate({
        target: [metricValues.metricId, metricValues.bucketStart],
        set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
      });
  }
  return input.points.length;
}

export type UnitWrite = {
  metricId: string;
  series: readonly SeriesPoint[];
  breakdown: readonly BreakdownPoint[];
};

/**
 * Replaces the window of every metric of a unit with a few set-based statements (the rows travel as one JSON
 * parameter): buckets that disappeared are deleted, changed values upserted, unchanged rows left alone. Run in
 * the caller's transaction; the result is the same as replaceSeries + replaceBreakdown per metric.
 */
export async function replaceUnitWindow(
  tx: DbOrTx,
  input: { window: Window; writes: readonly UnitWrite[]; now: Date },
): Promise<void> {
  if (input.writes.length === 0) return;
  const ids = input.writes.map((w) => w.metricId);
  const values = JSON.stringify(
    input.writes.flatMap((w) =>
      w.series.map((p) => ({ m: w.metricId, b: p.bucket.toISOString(), v: p.value })),
    ),
  );
  const parts = JSON.stringify(
    input.writes.flatMap((w) =>
      w.breakdown.map((p) => ({
        m: w.metricId,
        b: p.bucket.toISOString(),
        d: p.dimension,
        dv: p.dimensionValue,
        v: p.value,
      })),
    ),
  );
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  // Raw statements get text parameters: the drivers disagree on how to send a Date.
  const start = input.window.start.toISOString();
  const end = input.window.end.toISOString();
  const now = input.now.toISOString();
  await tx.execute(sql`
    delete from ${metricValues} as mv
    where mv.metric_id in (${idList}) and mv.bucket_start >= ${start}::timestamptz and mv.bucket_start < ${end}::timestamptz
      and not exists (
        select 1 from jsonb_to_recordset(${values}::jsonb) as x(m uuid, b timestamptz, v float8)
        where x.m = mv.metric_id and x.b = mv.bucket_start)`);
  await tx.execute(sql`
    insert into ${metricValues} (metric_id, bucket_start, value, updated_at)
    select x.m, x.b, x.v, ${now}::timestamptz from jsonb_to_recordset(${values}::jsonb) as x(m uuid, b timestamptz, v float8)
    on conflict (metric_id, bucket_start) do update set value = excluded.value, updated_at = excluded.updated_at
    where ${metricValues.value} is distinct from excluded.value`);
  await tx.execute(sql`
    delete from ${breakdownValues} as bv
    where bv.metric_id in (${idList}) and bv.bucket_start >= ${start}::timestamptz and bv.bucket_start < ${end}::timestamptz
      and not exists (
        select 1 from jsonb_to_recordset(${parts}::jsonb) as x(m uuid, b timestamptz, d text, dv text, v float8)
        where x.m = bv.metric_id and x.b = bv.bucket_start and x.d = bv.dimension and x.dv = bv.dimension_value)`);
  await tx.execute(sql`
    insert into ${breakdownValues} (metric_id, bucket_start, dimension, dimension_value, value, updated_at)
    select x.m, x.b, x.d, x.dv, x.v, ${now}::timestamptz
    from jsonb_to_recordset(${parts}::jsonb) as x(m uuid, b timestamptz, d text, dv text, v float8)
    on conflict (metric_id, bucket_start, dimension, dimension_value)
    do update set value = excluded.value, updated_at = excluded.updated_at
    where ${breakdownValues.value} is distinct from excluded.value`);
}

/** advanceWatermark for several metrics of one interval at once. */
export async function advanceWatermarks(
  tx: DbOrTx,
  input: { metricIds: readonly string[]; settledUntil: Date; nextDueAt: Date },
): Promise<void> {
  if (input.metricIds.length === 0) return;
  await tx
    .update(metrics)
    .set({ watermark: input.settledUntil, nextDueAt: input.nextDueAt })
    .where(
      and(
        inArray(metrics.id, [...input.metricIds]),
        or(isNull(metrics.watermark), lt(metrics.watermark, input.settledUntil)),
      ),
    );
}

/** Replaces every breakdown value of the metric in the window (dimensions no longer defined go too). */
export async function replaceBreakdown(
  tx: DbOrTx,
  input: { metricId: string; window: Window; points: readonly BreakdownPoint[]; now: Date },
): Promise<number> {
  await tx
    .delete(breakdownValues)
    .where(
      and(
        eq(breakdownValues.metricId, input.metricId),
        gte(breakdownValues.bucketStart, input.window.start),
        lt(breakdownValues.bucketStart, input.window.end),
      ),
    );
  for (let i = 0; i < input.points.length; i += INSERT_BATCH) {
    const batch = input.points.slice(i, i + INSERT_BATCH);
    await tx
      .insert(breakdownValues)
      .values(
        batch.map((p) => ({
          metricId: input.metricId,
          bucketStart: p.bucket,
          dimension: p.dimension,
          dimensionValue: p.dimensionValue,
          value: p.value,
          updatedAt: input.now,
        })),
      )
      .onConflictDoUpdate({
        target: [
          breakdownValues.metricId,
          breakdownValues.bucketStart,
          breakdownValues.dimension,
          breakdownValues.dimensionValue,
        ],
        set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
      });
  }
  return input.points.length;
}

/** Moves the watermark forward (never back) after a tick settled buckets up to `settledUntil`. */
export async function advanceWatermark(
  tx: DbOrTx,
  input: { metricId: string; settledUntil: Date; nextDueAt: Date },
): Promise<void> {
  await tx
    .update(metrics)
    .set({ watermark: input.settledUntil, nextDueAt: input.nextDueAt })
    .where(
      and(
        eq(metrics.id, input.metricId),
        or(isNull(metrics.watermark), lt(metrics.watermark, input.settledUntil)),
      ),
    );
}

/** Records how a metric's collection ended; a failed metric is retried no sooner than `retryAt`. */
export async function recordMetricOutcome(
  db: DbOrTx,
  input: { metricId: string; at: Date; ok: boolean; error: string | null; retryAt?: Date },
): Promise<void> {
  await db
    .update(metrics)
    .set({
      lastCollectedAt: input.at,
      lastCollectionStatus: input.ok ? 'ok' : 'failed',
      lastCollectionError: input.ok ? null : input.error,
      ...(input.ok ? { lastSuccessAt: input.at } : {}),
      ...(input.retryAt ? { nextDueAt: input.retryAt } : {}),
    })
    .where(eq(metrics.id, input.metricId));
}

/** Records a successful collection for many metrics with one statement. */
export async function recordSuccesses(db: DbOrTx, input: { metricIds: readonly string[]; at: Date }) {
  if (input.metricIds.length === 0) return;
  await db
    .update(metrics)
    .set({
      lastCollectedAt: input.at,
      lastSuccessAt: input.at,
      lastCollectionStatus: 'ok',
      lastCollectionError: null,
    })
    .where(inArray(metrics.id, [...input.metricIds]));
}

export async function insertRun(db: DbOrTx, values: typeof collectionRuns.$inferInsert): Promise<RunRow> {
  const [row] = await db.insert(collectionRuns).values(values).returning();
  if (!row) throw new Error('Inserting a collection run returned no row.');
  return row;
}

export async function updateRun(
  db: DbOrTx,
  runId: string,
  values: Partial<typeof collectionRuns.$inferInsert>,
): Promise<void> {
  await db.update(collectionRuns).set(values).where(eq(collectionRuns.id, runId));
}

export async function getRunById(db: DbOrTx, runId: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(collectionRuns).where(eq(collectionRuns.id, runId));
  return row;
}

/**
 * Takes a pending run (a queued backfill or manual run) for this worker, oldest first; SKIP LOCKED lets
 * several workers pull from the queue without taking the same run.
 */
export async function claimPendingRun(
  db: Db,
  input: { workerId: string; now: Date; leaseUntil: Date; runId?: string; projectIds?: readonly string[] },
): Promise<RunRow | undefined> {
  return db.transaction(async (tx) => {
    const conditions = [eq(collectionRuns.status, 'pending')];
    if (input.runId) conditions.push(eq(collectionRuns.id, input.runId));
    if (input.projectIds) conditions.push(inArray(collectionRuns.projectId, [...input.projectIds]));
    const [next] = await tx
      .select({ id: collectionRuns.id })
      .from(collectionRuns)
      .where(and(...conditions))
      .orderBy(asc(collectionRuns.createdAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!next) return undefined;
    const [row] = await tx
      .update(collectionRuns)
      .set({
        status: 'running',
        lockedBy: input.workerId,
        lockedUntil: input.leaseUntil,
        heartbeatAt: input.now,
        startedAt: input.now,
        attempts: sql`${collectionRuns.attempts} + 1`,
      })
      .where(eq(collectionRuns.id, next.id))
      .returning();
    return row;
  });
}

/** Runs whose worker stopped heartbeating: marked failed, and their metric claims freed. */
export async function reapStaleRuns(db: Db, now: Date): Promise<RunRow[]> {
  return db.transaction(async (tx) => {
    const stale = await tx
      .update(collectionRuns)
      .set({
        status: 'failed',
        error:
          'The worker running this collection stopped responding; its unfinished metrics go to the next run.',
        finishedAt: now,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(eq(collectionRuns.status, 'running'), lt(collectionRuns.lockedUntil, now)))
      .returning();
    if (stale.length > 0) {
      await tx
        .update(metrics)
        .set({ claimedByRunId: null, claimedUntil: null })
        .where(
          inArray(
            metrics.claimedByRunId,
            stale.map((r) => r.id),
          ),
        );
    }
    return stale;
  });
}

export async function listRuns(db: DbOrTx, input: { projectId: string; limit: number; before?: Date }) {
  const conditions = [eq(collectionRuns.projectId, input.projectId)];
  if (input.before) conditions.push(lt(collectionRuns.createdAt, input.before));
  return db
    .select()
    .from(collectionRuns)
    .where(and(...conditions))
    .orderBy(desc(collectionRuns.createdAt))
    .limit(input.limit);
}

/** The latest runs that collected a metric (its id is in the run's per-metric details). */
export async function listRunsOfMetric(
  db: DbOrTx,
  input: { projectId: string; metricId: string; limit: number },
) {
  return db
    .select()
    .from(collectionRuns)
    .where(
      and(
        eq(collectionRuns.projectId, input.projectId),
        sql`${collectionRuns.details} @> ${JSON.stringify([{ metricId: input.metricId }])}::jsonb`,
      ),
    )
    .orderBy(desc(collectionRuns.createdAt))
    .limit(input.limit);
}

export async function getRunInProject(db: DbOrTx, input: { projectId: string; runId: string }) {
  const [row] = await db
    .select()
    .from(collectionRuns)
    .where(and(eq(collectionRuns.projectId, input.projectId), eq(collectionRuns.id, input.runId)));
  return row;
}

/**
 * Forgets what was collected for a project (values, breakdowns, watermarks) so the next tick collects the whole
 * history again. Returns how many metrics had been collected.
 */
export async function resetCollection(db: Db, input: { projectId: string }): Promise<number> {
  return db.transaction(async (tx) => {
    const ids = tx.select({ id: metrics.id }).from(metrics).where(eq(metrics.projectId, input.projectId));
    await tx.delete(metricValues).where(inArray(metricValues.metricId, ids));
    await tx.delete(breakdownValues).where(inArray(breakdownValues.metricId, ids));
    const reset = await tx
      .update(metrics)
      .set({ watermark: null, nextDueAt: null, lastCollectionStatus: null, lastCollectionError: null })
      .where(and(eq(metrics.projectId, input.projectId), isNotNull(metrics.watermark)))
      .returning({ id: metrics.id });
    return reset.length;
  });
}

export async function listActiveMetricIds(db: DbOrTx, input: { projectId: string }): Promise<string[]> {
  const rows = await db
    .select({ id: metrics.id })
    .from(metrics)
    .where(and(eq(metrics.projectId, input.projectId), eq(metrics.lifecycle, 'active')));
  return rows.map((r) => r.id);
}

export type { RunMetricDetail, RunRequest };
