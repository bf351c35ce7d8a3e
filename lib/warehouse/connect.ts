/**
 * Picks the warehouse client for a data source row. Services take a WarehouseResolver (defaulting to
 * connectWarehouse) so tests can hand them a client over a throwaway warehouse.
 */
import type { dataSources } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { getEmbeddedWarehouseClient } from './embedded';
import type { WarehouseClient } from './types';

type DataSourceRow = typeof dataSources.$inferSelect;

/** What choosing a client needs: the kind always; the rest of the row once credentials exist. */
export type WarehouseSource = Pick<DataSourceRow, 'kind'> & Partial<Omit<DataSourceRow, 'kind'>>;

export type WarehouseResolver = (source: WarehouseSource) => WarehouseClient;

export function connectWarehouse(source: WarehouseSource): WarehouseClient {
  const kind = source.kind;
  switch (kind) {
    case 'embedded':
      return getEmbeddedWarehouseClient();
    case 'postgres':
    case 'clickhouse':
      // Credentials for external warehouses are being built; until then these sources cannot be queried.
      throw new AppError('validation', `Connecting to ${kind} data sources is not available yet.`);
    default: {
      const never: never = kind;
      throw new Error(`Unknown data source kind: ${String(never)}`);
    }
  }
}
