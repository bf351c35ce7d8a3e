import { doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { metrics } from './catalog';

/** One value per (metric, bucket). A null value is a gap the warehouse reported (e.g. division by zero). */
export const metricValues = pgTable(
  'metric_values',
  {
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    value: doublePrecision(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'metric_values_pk', columns: [t.metricId, t.bucketStart] })],
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
