/**
 * Picks the warehouse client for a data source. Services take a WarehouseResolver (defaulting to
 * connectWarehouse) so tests can hand them a client over a throwaway warehouse.
 */
import type { dataSources } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { ClickHouseWarehouseClient, type ClickHouseConnection } from './clients/clickhouse';
import { PostgresWarehouseClient, type PostgresConnection } from './clients/postgres';
import { getEmbeddedWarehouseClient } from './embedded';
import type { WarehouseClient } from './types';

type DataSourceRow = typeof dataSources.$inferSelect;

/**
 * What choosing a client needs: the kind always; for Postgres and ClickHouse, the decrypted connection, already
 * pointed at an address the outbound guard checked (lib/sources/service builds it). A stored row alone never
 * carries credentials, so a row without its connection cannot be queried.
 */
export type WarehouseSource = Pick<DataSourceRow, 'kind'> &
  Partial<Omit<DataSourceRow, 'kind'>> & {
    connection?: PostgresConnection;
    clickhouseConnection?: ClickHouseConnection;
  };

export type WarehouseResolver = (source: WarehouseSource) => WarehouseClient;

/** The caller owns a returned Postgres client and must close() it; the embedded client is shared. */
export function connectWarehouse(source: WarehouseSource): WarehouseClient {
  const kind = source.kind;
  switch (kind) {
    case 'embedded':
      return getEmbeddedWarehouseClient();
    case 'postgres':
      if (source.connection) return PostgresWarehouseClient.connect(source.connection, { maxConnections: 2 });
      throw new AppError(
        'validation',
        'Querying postgres data sources from here is not available yet: connect through the data source test.',
      );
    case 'clickhouse':
      if (source.clickhouseConnection) return ClickHouseWarehouseClient.connect(source.clickhouseConnection);
      throw new AppError(
        'validation',
        'Querying clickhouse data sources from here is not available yet: connect through the data source test.',
      );
    default: {
      const never: never = kind;
      throw new Error(`Unknown data source kind: ${String(never)}`);
    }
  }
}
