import type { TypeBucket } from './types';

// Postgres type OIDs (pg_type.oid), stable across versions.
const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);
const BOOLEAN_OIDS = new Set([16]);
const TIMESTAMP_OIDS = new Set([1082, 1114, 1184]);
const NAMES: Record<number, string> = {
  16: 'bool',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  700: 'float4',
  701: 'float8',
  790: 'money',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
  114: 'json',
  3802: 'jsonb',
  18: 'char',
  19: 'name',
  1042: 'bpchar',
  1186: 'interval',
};

/** Sorts a Postgres column type into the buckets fact tables and pickers work with. */
export function bucketOfPostgresType(oid: number): TypeBucket {
  if (NUMBER_OIDS.has(oid)) return 'number';
  if (BOOLEAN_OIDS.has(oid)) return 'boolean';
  if (TIMESTAMP_OIDS.has(oid)) return 'timestamp';
  return 'string';
}

export function nameOfPostgresType(oid: number): string {
  return NAMES[oid] ?? `oid:${oid}`;
}

/** `Nullable(LowCardinality(String))` → `String`: the wrappers say nothing about what kind of value it is. */
export function unwrapClickHouseType(type: string): string {
  let inner = type.trim();
  for (;;) {
    const match = /^(Nullable|LowCardinality|SimpleAggregateFunction\([^,]+,)\s*\(?(.*)\)$/s.exec(inner);
    if (!match) return inner;
    inner = (match[2] ?? '').trim();
  }
}

/** Sorts a ClickHouse column type (as `toTypeName` writes it) into the fact-table buckets. */
export function bucketOfClickHouseType(type: string): TypeBucket {
  const inner = unwrapClickHouseType(type);
  if (/^(U?Int(8|16|32|64|128|256)|Float(32|64)|BFloat16|Decimal(32|64|128|256)?\(.*\))$/.test(inner)) {
    return 'number';
  }
  if (inner === 'Bool') return 'boolean';
  if (/^(Date|Date32|DateTime(\(.*\))?|DateTime64\(.*\))$/.test(inner)) return 'timestamp';
  return 'string';
}
