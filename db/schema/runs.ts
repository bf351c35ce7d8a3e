import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runStatus, runTrigger } from './enums';
import { projects, users } from './projects';

export type RunMetricDetail = {
  metricId: string;
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  valuesWritten: number;
  error?: string;
  durationMs?: number;
  /** The buckets this run rebuilt for the metric (ISO instants). */
  windowStart?: string;
  windowEnd?: string;
};

/** What a run was asked to do; a tick collects what is due, a backfill rebuilds a range of buckets. */
export type RunRequest = {
  metricIds?: string[];
  /** Backfill range (ISO instants); buckets starting in [start, end) are rebuilt. */
  start?: string;
  end?: string;
  /** Manual runs collect their metrics even when nothing new is due. */
  force?: boolean;
};

export const collectionRuns = pgTable(
  'collection_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    trigger: runTrigger().notNull(),
    status: runStatus().notNull().default('pending'),
    windowStart: timestamp({ withTimezone: true }),
    windowEnd: timestamp({ withTimezone: true }),
    metricsAttempted: integer().notNull().default(0),
    metricsWritten: integer().notNull().default(0),
    metricsFailed: integer().notNull().default(0),
    valuesWritten: integer().notNull().default(0),
    anomaliesWritten: integer().notNull().default(0),
    /** Units done / units planned, for progress bars. */
    progressDone: integer().notNull().default(0),
    progressTotal: integer().notNull().default(0),
    request: jsonb().notNull().default({}).$type<RunRequest>(),
    details: jsonb().notNull().default([]).$type<RunMetricDetail[]>(),
    error: text(),
    /** Lease: a worker owns the run until locked_until; a stale lease is reaped and retried. */
    lockedBy: text(),
    lockedUntil: timestamp({ withTimezone: true }),
    heartbeatAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    durationMs: integer(),
  },
  (t) => [
    index('collection_runs_project_created_idx').on(t.projectId, t.createdAt.desc()),
    index('collection_runs_status_lease_idx').on(t.status, t.lockedUntil),
    check(
      'collection_runs_window_order',
      sql`${t.windowEnd} is null or ${t.windowStart} is null or ${t.windowEnd} >= ${t.windowStart}`,
    ),
  ],
);
