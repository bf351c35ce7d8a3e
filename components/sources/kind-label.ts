import type { PublicDataSource } from '@/lib/sources/schemas';

export const KIND_LABEL: Record<PublicDataSource['kind'], string> = {
  postgres: 'Postgres',
  clickhouse: 'ClickHouse',
  embedded: 'Embedded demo warehouse',
};
