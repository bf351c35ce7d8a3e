import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { metrics } from './catalog';
import { anomalyDirection, anomalyStatus, severity } from './enums';
import { projects, users } from './projects';

export const anomalies = pgTable(
  'anomalies',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    /** Empty strings for the metric as a whole; a dimension and its value for a breakdown series. */
    dimension: text().notNull().default(''),
    dimensionValue: text().notNull().default(''),
    value: doublePrecision(),
    expected: doublePrecision().notNull(),
    lower: doublePrecision().notNull(),
    upper: doublePrecision().notNull(),
    score: doublePrecision().notNull(),
    severity: severity().notNull(),
    direction: anomalyDirection().notNull(),
    status: anomalyStatus().notNull().default('active'),
    /** Marked as an expected event (incident, launch): annotated and kept out of the baseline. */
    expectedEvent: boolean().notNull().default(false),
    note: text(),
    /** Which segments explain the move: dimension value → contribution to the change. */
    explanation: jsonb().$type<{ dimension: string; value: string; contribution: number }[]>(),
    acknowledgedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    acknowledgedAt: timestamp({ withTimezone: true }),
    /** Who acknowledged when it was not a person: an API token, named as the audit log names it. */
    acknowledgedByLabel: text(),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('anomalies_series_bucket_unique').on(t.metricId, t.bucketStart, t.dimension, t.dimensionValue),
    index('anomalies_project_status_idx').on(t.projectId, t.status, t.bucketStart.desc()),
    index('anomalies_metric_bucket_idx').on(t.metricId, t.bucketStart),
    check('anomalies_score_range', sql`${t.score} >= 0 and ${t.score} <= 1`),
    check('anomalies_band_order', sql`${t.lower} <= ${t.upper}`),
  ],
);
