import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  collectionOutcome,
  dataSourceKind,
  metricDirection,
  metricFormat,
  metricInterval,
  metricKind,
  metricLifecycle,
  valueKind,
} from './enums';
import { projects, users } from './projects';

export const dataSources = pgTable(
  'data_sources',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    kind: dataSourceKind().notNull(),
    /** Non-secret connection fields (host, port, database, user, TLS mode). */
    config: jsonb().notNull().$type<Record<string, unknown>>(),
    /** Field name → `v1:<keyId>:<iv>:<tag>:<ciphertext>`; never leaves the server. */
    secrets: jsonb().notNull().default({}).$type<Record<string, string>>(),
    lastTestedAt: timestamp({ withTimezone: true }),
    lastTestError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('data_sources_project_name_unique').on(t.projectId, t.name)],
);

export type FactTableColumn = {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'timestamp';
  nativeType: string;
};

export const factTables = pgTable(
  'fact_tables',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    // A data source with fact tables on it cannot be dropped from under them.
    dataSourceId: uuid()
      .notNull()
      .references(() => dataSources.id, { onDelete: 'restrict' }),
    name: text().notNull(),
    description: text().notNull().default(''),
    sql: text().notNull(),
    timestampColumn: text().notNull(),
    columns: jsonb().notNull().$type<FactTableColumn[]>(),
    identifierColumns: jsonb().notNull().default([]).$type<string[]>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('fact_tables_project_name_unique').on(t.projectId, t.name),
    index('fact_tables_data_source_idx').on(t.dataSourceId),
  ],
);

export const rowFilters = pgTable(
  'row_filters',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    factTableId: uuid()
      .notNull()
      .references(() => factTables.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** A SQL boolean fragment, accepted only after the parser proves it is one expression. */
    expression: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('row_filters_fact_table_name_unique').on(t.factTableId, t.name)],
);

export const metrics = pgTable(
  'metrics',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    description: text().notNull().default(''),
    ownerId: uuid().references(() => users.id, { onDelete: 'set null' }),
    tags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    unit: text().notNull().default(''),
    format: metricFormat().notNull().default('number'),
    direction: metricDirection().notNull().default('neutral'),
    interval: metricInterval().notNull(),
    lifecycle: metricLifecycle().notNull().default('draft'),
    /** 1 (only glaring moves alert) … 10 (every notable move alerts). */
    sensitivity: smallint().notNull().default(5),
    kind: metricKind().notNull(),
    /** The kind's definition, re-parsed through metricDefinitionSchema on every read. */
    definition: jsonb().notNull().$type<Record<string, unknown>>(),
    valueKind: valueKind().notNull(),
    version: integer().notNull().default(1),
    /** Start of the first bucket not yet settled; the next tick collects from here minus the lookback. */
    watermark: timestamp({ withTimezone: true }),
    lastCollectedAt: timestamp({ withTimezone: true }),
    lastSuccessAt: timestamp({ withTimezone: true }),
    lastCollectionStatus: collectionOutcome(),
    lastCollectionError: text(),
    /** When the bucket after the watermark completes: the metric is due from then (null: never collected). */
    nextDueAt: timestamp({ withTimezone: true }),
    /** Collection claim: the run that owns this metric until claimed_until; an expired claim is free again. */
    claimedByRunId: uuid(),
    claimedUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('metrics_project_name_unique').on(t.projectId, t.name),
    index('metrics_project_lifecycle_idx').on(t.projectId, t.lifecycle),
    index('metrics_due_idx').on(t.lifecycle, t.nextDueAt),
    check('metrics_sensitivity_range', sql`${t.sensitivity} between 1 and 10`),
  ],
);

/**
 * What a metric reads: fact tables for `fact` metrics, other metrics for `composition` metrics.
 * RESTRICT makes the database refuse to delete anything a metric still depends on.
 */
export const metricDependencies = pgTable(
  'metric_dependencies',
  {
    id: uuid().primaryKey().defaultRandom(),
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    factTableId: uuid().references(() => factTables.id, { onDelete: 'restrict' }),
    inputMetricId: uuid().references(() => metrics.id, { onDelete: 'restrict' }),
  },
  (t) => [
    index('metric_dependencies_metric_idx').on(t.metricId),
    index('metric_dependencies_fact_table_idx').on(t.factTableId),
    index('metric_dependencies_input_metric_idx').on(t.inputMetricId),
    check('metric_dependencies_one_target', sql`num_nonnulls(${t.factTableId}, ${t.inputMetricId}) = 1`),
  ],
);

export const metricVersions = pgTable(
  'metric_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    /** The full metric input (metadata and definition) as saved at this version. */
    snapshot: jsonb().notNull().$type<Record<string, unknown>>(),
    changedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('metric_versions_metric_version_unique').on(t.metricId, t.version)],
);

export const annotations = pgTable(
  'annotations',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Null: the note applies to every metric of the project. */
    metricId: uuid().references(() => metrics.id, { onDelete: 'cascade' }),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }),
    note: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('annotations_project_time_idx').on(t.projectId, t.startsAt),
    check('annotations_range_order', sql`${t.endsAt} is null or ${t.endsAt} >= ${t.startsAt}`),
  ],
);
