/**
 * A small catalog for the inbox: metrics on three fact tables (orders, sessions, deployments), a ratio that reads
 * two of them, a `sql` metric that reads none and a composition over a fact metric and the `sql` one. Anomalies
 * are planted directly, the way the detection pipeline leaves them.
 */
import type { DbOrTx } from '@/db/client';
import { anomalies } from '@/db/schema';
import { insertFactTable } from '@/lib/fact-tables/queries';
import { dependenciesOf } from '@/lib/metrics/dependencies';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema, type MetricInterval } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertDataSource } from '@/lib/sources/queries';
import { uniqueSuffix } from '../../helpers/db';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export async function createInboxCatalog(db: DbOrTx, projectId: string) {
  const source = await insertDataSource(db, {
    projectId,
    name: `Warehouse ${uniqueSuffix()}`,
    kind: 'embedded',
    config: {},
  });
  const table = (name: string) =>
    insertFactTable(db, {
      projectId,
      dataSourceId: source.id,
      name: `${name} ${uniqueSuffix()}`,
      sql: `SELECT created_at FROM ${name}`,
      timestampColumn: 'created_at',
      columns: [{ name: 'created_at', type: 'timestamp', nativeType: 'timestamptz' }],
    });
  const [orders, sessions, deployments] = [
    await table('orders'),
    await table('sessions'),
    await table('deployments'),
  ];
  const define = async (name: string, interval: MetricInterval, definition: unknown, tags: string[] = []) => {
    const input = metricInputSchema.parse({
      name: `${name} ${uniqueSuffix()}`,
      interval,
      lifecycle: 'active',
      tags,
      definition,
    });
    return insertMetric(db, {
      ...input,
      projectId,
      kind: input.definition.kind,
      valueKind: valueKindOf(input.definition),
      dependencies: dependenciesOf(input.definition),
    });
  };
  const count = (factTableId: string) => ({ factTableId, aggregation: 'count' });
  const single = (factTableId: string) => ({ kind: 'fact', shape: 'single', operand: count(factTableId) });

  const ordersMetric = await define('Orders', 'hour', single(orders.id), ['sales']);
  const revenue = await define('Revenue', 'day', single(orders.id), ['sales']);
  const sessionsMetric = await define('Sessions', 'hour', single(sessions.id), ['product']);
  const conversion = await define('Orders per session', 'hour', {
    kind: 'fact',
    shape: 'ratio',
    numerator: count(orders.id),
    denominator: count(sessions.id),
  });
  const dau = await define('Daily active users', 'day', {
    kind: 'sql',
    dataSourceId: source.id,
    sql: 'SELECT 1 AS value',
    valueKind: 'count',
  });
  const perUser = await define('Revenue per user', 'day', {
    kind: 'composition',
    op: 'div',
    a: revenue.id,
    b: dau.id,
  });
  const deploys = await define('Deploy failures', 'day', single(deployments.id), ['engineering']);
  return { ordersMetric, revenue, sessionsMetric, conversion, dau, perUser, deploys };
}

export async function plant(
  db: DbOrTx,
  input: {
    projectId: string;
    metricId: string;
    at: Date;
    severity?: 'low' | 'medium' | 'high';
    direction?: 'up' | 'down';
    status?: 'active' | 'resolved';
    dimension?: string;
    dimensionValue?: string;
    explanation?: { dimension: string; value: string; contribution: number }[];
    acknowledgedBy?: string;
  },
) {
  const [row] = await db
    .insert(anomalies)
    .values({
      projectId: input.projectId,
      metricId: input.metricId,
      bucketStart: input.at,
      dimension: input.dimension ?? '',
      dimensionValue: input.dimensionValue ?? '',
      value: 40,
      expected: 100,
      lower: 80,
      upper: 120,
      score: input.severity === 'high' ? 0.95 : 0.7,
      severity: input.severity ?? 'medium',
      direction: input.direction ?? 'down',
      status: input.status ?? 'active',
      explanation: input.explanation ?? null,
      acknowledgedBy: input.acknowledgedBy ?? null,
      acknowledgedAt: input.acknowledgedBy ? new Date() : null,
    })
    .returning();
  if (!row) throw new Error('insert into anomalies returned no row');
  return row;
}
