import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { metrics } from './catalog';

/**
 * One value per (metric, bucket). A null value is a gap the warehouse reported (e.g. division by zero).
 *
 * `expected`, `lower`, `upper` and `score` are the detector's output for the bucket, written by detection after
 * each collection run (lib/detection): the drilldown reads its band here instead of running the detector on every
 * request. All null where the detector has not scored the bucket yet or had too little history; `score` is null
 * where the bucket was not scored (warm-up, a gap) even when a forecast band exists.
 */
export const metricValues = pgTable(
  'metric_values',
  {
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    value: doublePrecision(),
    expected: doublePrecision(),
    lower: doublePrecision(),
    upper: doublePrecision(),
    score: doublePrecision(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'metric_values_pk', columns: [t.metricId, t.bucketStart] }),
    // The catalog's sparklines walk each metric's latest values back from the watermark: with `value` in the key
    // that walk reads only the index (drizzle has no INCLUDE; a trailing key column serves the same scan, and a
    // btree is walked backwards as cheaply as forwards, so ascending order serves `order by bucket_start desc`).
    index('metric_values_recent_idx').on(t.metricId, t.bucketStart, t.value),
    check('metric_values_band_order', sql`${t.lower} <= ${t.upper}`),
    check('metric_values_score_range', sql`${t.score} >= 0 and ${t.score} <= 1`),
  ],
);

/** Top N values of a dimension per bucket; the rest is folded into `(other)`. */
export const breakdownValues = pgTable(
  'breakdown_values',
  {
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    dimension: text().notNull(),
    dimensionValue: text().notNull(),
    value: doublePrecision(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: 'breakdown_values_pk',
      columns: [t.metricId, t.bucketStart, t.dimension, t.dimensionValue],
    }),
    index('breakdown_values_read_idx').on(t.metricId, t.dimension, t.bucketStart),
  ],
);

/**
 * A counter per metric that moves whenever anything its series view shows changes: its stored values and bands,
 * its anomalies, the annotations that cover it. Database triggers keep it (drizzle/0003_series_versions.sql), so
 * no writer can forget to; a reader that sees the same version (and the same metric row) may answer from a cache.
 */
export const seriesVersions = pgTable('series_versions', {
  metricId: uuid()
    .primaryKey()
    .references(() => metrics.id, { onDelete: 'cascade' }),
  version: bigint({ mode: 'number' }).notNull().default(1),
});
