/** Stored series, breakdowns and anomalies written straight to the tables, as collection would leave them. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { anomalies, breakdownValues, metricValues, metrics } from '@/db/schema';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema, type MetricInterval } from '@/lib/metrics/schemas';
import { insertDataSource } from '@/lib/sources/queries';
import { uniqueSuffix } from './db';

/** A `sql` metric: its value kind is whatever the test needs, and no fact table is involved. */
export async function createSqlMetric(
  db: DbOrTx,
  projectId: string,
  {
    name = `Metric ${uniqueSuffix()}`,
    interval,
    valueKind,
    format = 'number',
    unit = '',
  }: {
    name?: string;
    interval: MetricInterval;
    valueKind: 'count' | 'fractional';
    format?: 'number' | 'currency' | 'percent' | 'duration';
    unit?: string;
  },
) {
  const source = await insertDataSource(db, {
    projectId,
    name: `Warehouse ${uniqueSuffix()}`,
    kind: 'embedded',
    config: {},
  });
  const input = metricInputSchema.parse({
    name,
    interval,
    format,
    unit,
    lifecycle: 'active',
    direction: 'higher_is_better',
    definition: { kind: 'sql', dataSourceId: source.id, sql: 'SELECT 1 AS value', valueKind },
  });
  return insertMetric(db, { ...input, projectId, kind: 'sql', valueKind, dependencies: [] });
}

export async function writeValues(
  db: DbOrTx,
  metricId: string,
  points: readonly { at: Date; value: number | null }[],
) {
  if (points.length === 0) return;
  for (let i = 0; i < points.length; i += 1000) {
    await db
      .insert(metricValues)
      .values(points.slice(i, i + 1000).map((p) => ({ metricId, bucketStart: p.at, value: p.value })));
  }
}

export async function writeBreakdown(
  db: DbOrTx,
  metricId: string,
  dimension: string,
  rows: readonly { at: Date; value: string; v: number | null }[],
) {
  if (rows.length === 0) return;
  await db
    .insert(breakdownValues)
    .values(
      rows.map((r) => ({ metricId, bucketStart: r.at, dimension, dimensionValue: r.value, value: r.v })),
    );
}

/** Marks buckets before `watermark` as settled, as a completed collection does. */
export async function setWatermark(db: DbOrTx, metricId: string, watermark: Date | null) {
  await db
    .update(metrics)
    .set({ watermark, lastCollectionStatus: watermark ? 'ok' : null, lastSuccessAt: watermark })
    .where(eq(metrics.id, metricId));
}

export async function insertAnomaly(
  db: DbOrTx,
  values: {
    projectId: string;
    metricId: string;
    at: Date;
    severity: 'low' | 'medium' | 'high';
    status?: 'active' | 'resolved';
    dimension?: string;
    dimensionValue?: string;
    value?: number;
  },
) {
  const [row] = await db
    .insert(anomalies)
    .values({
      projectId: values.projectId,
      metricId: values.metricId,
      bucketStart: values.at,
      dimension: values.dimension ?? '',
      dimensionValue: values.dimensionValue ?? '',
      value: values.value ?? 100,
      expected: 50,
      lower: 40,
      upper: 60,
      score: values.severity === 'high' ? 0.9 : values.severity === 'medium' ? 0.7 : 0.5,
      severity: values.severity,
      direction: 'up',
      status: values.status ?? 'active',
    })
    .returning();
  if (!row) throw new Error('insert into anomalies returned no row');
  return row;
}

export const hoursFrom = (start: Date, n: number) => new Date(start.getTime() + n * 3_600_000);
export const daysFrom = (start: Date, n: number) => new Date(start.getTime() + n * 86_400_000);
