import type { DbOrTx } from '@/db/client';
import { insertFactTable } from '@/lib/fact-tables/queries';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertDataSource } from '@/lib/sources/queries';
import { uniqueSuffix } from './db';

/** A data source, an orders fact table and one count metric on it, inside the given project. */
export async function createCountMetric(db: DbOrTx, projectId: string, name = `Orders ${uniqueSuffix()}`) {
  const source = await insertDataSource(db, {
    projectId,
    name: `Warehouse ${uniqueSuffix()}`,
    kind: 'embedded',
    config: {},
  });
  const factTable = await insertFactTable(db, {
    projectId,
    dataSourceId: source.id,
    name: `orders ${uniqueSuffix()}`,
    sql: 'SELECT created_at, amount FROM orders',
    timestampColumn: 'created_at',
    columns: [
      { name: 'created_at', type: 'timestamp', nativeType: 'timestamptz' },
      { name: 'amount', type: 'number', nativeType: 'numeric' },
    ],
  });
  const input = metricInputSchema.parse({
    name,
    interval: 'hour',
    lifecycle: 'active',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: { factTableId: factTable.id, aggregation: 'count' },
    },
  });
  const metric = await insertMetric(db, {
    ...input,
    projectId,
    kind: 'fact',
    valueKind: valueKindOf(input.definition),
    dependencies: [{ factTableId: factTable.id }],
  });
  return { source, factTable, metric };
}
