import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  doublePrecision,
} from 'drizzle-orm/pg-core';
import { anomalies } from './anomalies';
import { metrics } from './catalog';
import {
  alertChannel,
  alertCondition,
  alertDirection,
  alertScope,
  alertState,
  deliveryEvent,
  deliveryStatus,
  severity,
} from './enums';
import { projects, users } from './projects';

export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    enabled: boolean().notNull().default(true),
    scope: alertScope().notNull().default('all'),
    scopeTags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    scopeMetricIds: uuid()
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    condition: alertCondition().notNull().default('anomaly'),
    minSeverity: severity().notNull().default('medium'),
    direction: alertDirection().notNull().default('both'),
    /** For `above` / `below` conditions. */
    threshold: doublePrecision(),
    /** Buckets the condition must hold before the rule fires. */
    pendingBuckets: integer().notNull().default(1),
    channel: alertChannel().notNull(),
    /** Encrypted webhook URL and signing secret; Slack webhook URLs are credentials. */
    secrets: jsonb().notNull().default({}).$type<Record<string, string>>(),
    /** Host of the webhook URL, safe to show. */
    targetHost: text().notNull(),
    snoozedUntil: timestamp({ withTimezone: true }),
    muteWindows: jsonb().notNull().default([]).$type<{ startsAt: string; endsAt: string }[]>(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alert_rules_project_idx').on(t.projectId),
    check('alert_rules_pending_positive', sql`${t.pendingBuckets} >= 1`),
    check('alert_rules_threshold_needed', sql`${t.condition} = 'anomaly' or ${t.threshold} is not null`),
  ],
);

/** Per (rule, metric): fires once, resolves once, never duplicates. */
export const alertStates = pgTable(
  'alert_states',
  {
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    metricId: uuid()
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    state: alertState().notNull(),
    pendingCount: integer().notNull().default(0),
    lastBucket: timestamp({ withTimezone: true }),
    since: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.metricId] })],
);

/** The outbox: written in the same transaction as the state change, sent afterwards, retried with backoff. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    metricId: uuid().references(() => metrics.id, { onDelete: 'set null' }),
    anomalyId: uuid().references(() => anomalies.id, { onDelete: 'set null' }),
    event: deliveryEvent().notNull(),
    /** Stable `webhook-id`: a hash of (rule, metric, bucket, event); retries reuse it. */
    deliveryKey: text().notNull().unique(),
    status: deliveryStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    payload: jsonb().notNull().$type<Record<string, unknown>>(),
    lastStatusCode: integer(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('alert_deliveries_project_created_idx').on(t.projectId, t.createdAt.desc()),
  ],
);

export const alertDeliveryAttempts = pgTable(
  'alert_delivery_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => alertDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer().notNull(),
    statusCode: integer(),
    error: text(),
    durationMs: integer().notNull(),
    attemptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alert_delivery_attempts_delivery_idx').on(t.deliveryId)],
);
