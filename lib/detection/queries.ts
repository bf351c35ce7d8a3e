/**
 * Database access for detection: stored series and breakdowns, anomalies written idempotently per
 * (metric, bucket, dimension, value), and their resolution.
 */
import { and, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { anomalies, breakdownValues, metrics, metricValues } from '@/db/schema';
import type { Window } from '@/lib/collection/buckets';

export type AnomalyWrite = typeof anomalies.$inferInsert;
export type AnomalyRow = typeof anomalies.$inferSelect;

export async function loadMetrics(db: DbOrTx, input: { projectId: string; ids: readonly string[] }) {
  if (input.ids.length === 0) return [];
  return db
    .select()
    .from(metrics)
    .where(and(eq(metrics.projectId, input.projectId), inArray(metrics.id, [...input.ids])));
}

/** Stored values of one metric from `start` (null: its first bucket) to `end` (null: its newest), oldest first. */
export async function readMetricSeries(
  db: DbOrTx,
  input: { metricId: string; start: Date | null; end: Date | null },
) {
  return db
    .select({ bucket: metricValues.bucketStart, value: metricValues.value })
    .from(metricValues)
    .where(
      and(
        eq(metricValues.metricId, input.metricId),
        input.start ? gte(metricValues.bucketStart, input.start) : undefined,
        input.end ? lt(metricValues.bucketStart, input.end) : undefined,
      ),
    )
    .orderBy(metricValues.bucketStart);
}

export async function readBreakdownSeries(db: DbOrTx, input: { metricId: string; window: Window }) {
  return db
    .select({
      bucket: breakdownValues.bucketStart,
      dimension: breakdownValues.dimension,
      dimensionValue: breakdownValues.dimensionValue,
      value: breakdownValues.value,
    })
    .from(breakdownValues)
    .where(
      and(
        eq(breakdownValues.metricId, input.metricId),
        gte(breakdownValues.bucketStart, input.window.start),
        lt(breakdownValues.bucketStart, input.window.end),
      ),
    )
    .orderBy(breakdownValues.bucketStart);
}

/** Whole-metric buckets marked as expected events from `since` (null: ever): scored, never learned from. */
export async function listExpectedEventBuckets(db: DbOrTx, input: { metricId: string; since: Date | null }) {
  const rows = await db
    .select({ bucket: anomalies.bucketStart })
    .from(anomalies)
    .where(
      and(
        eq(anomalies.metricId, input.metricId),
        eq(anomalies.dimension, ''),
        eq(anomalies.expectedEvent, true),
        input.since ? gte(anomalies.bucketStart, input.since) : undefined,
      ),
    );
  return rows.map((r) => r.bucket);
}

/** Every anomaly row of a metric from `since` on, to reconcile with a fresh scoring. */
export async function listAnomaliesSince(db: DbOrTx, input: { metricId: string; since: Date }) {
  return db
    .select()
    .from(anomalies)
    .where(and(eq(anomalies.metricId, input.metricId), gte(anomalies.bucketStart, input.since)));
}

/** Inserts or refreshes anomalies; acknowledgement, "expected" marks and status survive a re-score. */
export async function upsertAnomalies(db: DbOrTx, rows: readonly AnomalyWrite[]): Promise<number> {
  if (rows.length === 0) return 0;
  const written = await db
    .insert(anomalies)
    .values([...rows])
    .onConflictDoUpdate({
      target: [anomalies.metricId, anomalies.bucketStart, anomalies.dimension, anomalies.dimensionValue],
      set: {
        value: sql`excluded.value`,
        expected: sql`excluded.expected`,
        lower: sql`excluded.lower`,
        upper: sql`excluded.upper`,
        score: sql`excluded.score`,
        severity: sql`excluded.severity`,
        direction: sql`excluded.direction`,
        explanation: sql`excluded.explanation`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return written.filter((r) => r.inserted).length;
}

/** A re-score found these buckets normal after all (late data): unreviewed anomalies there go away. */
export async function deleteUnreviewedAnomalies(db: DbOrTx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(anomalies)
    .where(
      and(
        inArray(anomalies.id, [...ids]),
        isNull(anomalies.acknowledgedAt),
        eq(anomalies.expectedEvent, false),
      ),
    );
}

/** Active anomalies of one series before `before` (a bucket that scored normal) are resolved. */
export async function resolveSeriesBefore(
  db: DbOrTx,
  input: { metricId: string; dimension: string; dimensionValue: string; before: Date; at: Date },
): Promise<number> {
  const rows = await db
    .update(anomalies)
    .set({ status: 'resolved', resolvedAt: input.at, updatedAt: input.at })
    .where(
      and(
        eq(anomalies.metricId, input.metricId),
        eq(anomalies.dimension, input.dimension),
        eq(anomalies.dimensionValue, input.dimensionValue),
        eq(anomalies.status, 'active'),
        lt(anomalies.bucketStart, input.before),
      ),
    )
    .returning({ id: anomalies.id });
  return rows.length;
}

/** The detector's output for buckets of one metric, column-wise: bucket starts and a stored band per bucket. */
export type BandWrite = {
  metricId: string;
  buckets: readonly Date[];
  expected: readonly (number | null)[];
  lower: readonly (number | null)[];
  upper: readonly (number | null)[];
  score: readonly (number | null)[];
};

/** A Postgres array literal of numbers; anything not finite is NULL (float8 would take NaN, the band must not). */
function floatArray(values: readonly (number | null)[]): string {
  return `{${values.map((v) => (v !== null && Number.isFinite(v) ? String(v) : 'NULL')).join(',')}}`;
}

/**
 * Writes the stored band of existing whole-metric rows; buckets without a row are skipped (nothing was
 * collected there) and rows whose band did not change are left alone. The columns travel as one array
 * parameter each, so a year of hours is one statement. Returns how many rows changed.
 */
export async function writeBands(db: DbOrTx, input: BandWrite): Promise<number> {
  if (input.buckets.length === 0) return 0;
  // Raw statements get text parameters: the drivers disagree on how to send a Date.
  const buckets = `{${input.buckets.map((b) => b.toISOString()).join(',')}}`;
  const [row] = await queryRows<{ changed: number }>(
    db,
    sql`
    with changed as (
      update ${metricValues} as mv
      set expected = x.e, lower = x.l, upper = x.u, score = x.s
      from unnest(${buckets}::timestamptz[], ${floatArray(input.expected)}::float8[],
                  ${floatArray(input.lower)}::float8[], ${floatArray(input.upper)}::float8[],
                  ${floatArray(input.score)}::float8[]) as x(b, e, l, u, s)
      where mv.metric_id = ${input.metricId}::uuid and mv.bucket_start = x.b
        and (mv.expected, mv.lower, mv.upper, mv.score) is distinct from (x.e, x.l, x.u, x.s)
      returning 1)
    select count(*)::int as changed from changed`,
  );
  return Number(row?.changed ?? 0);
}
