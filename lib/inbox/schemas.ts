/**
 * The anomalies inbox: what its URL may say, what its verbs take, and the shapes it hands to the UI.
 * Client-safe: no database, no Node built-ins.
 */
import { z } from 'zod';
import type { MetricFormat, MetricInterval } from '@/lib/metrics/schemas';
import type { SeverityLevel } from '@/lib/series/schemas';

export const INBOX_STATUSES = ['all', 'active', 'resolved'] as const;
export const INBOX_SCOPES = ['metric', 'breakdowns', 'all'] as const;
export const SEVERITY_LEVELS = ['low', 'medium', 'high'] as const satisfies readonly SeverityLevel[];
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type InboxScope = (typeof INBOX_SCOPES)[number];

/** Anomalies per inbox page; a page ends between incidents, so it may hold a few more. */
export const INBOX_PAGE_SIZE = 50;
export const MAX_NOTE_LENGTH = 500;

/**
 * The inbox filters. Each field is parsed on its own from the URL (see search-params.ts): a bad value falls back
 * to its default, never an error page. `before` is the keyset cursor: only buckets that start before it.
 */
export const inboxQueryFields = {
  status: z.enum(INBOX_STATUSES),
  /** The least severity shown. */
  severity: z.enum(SEVERITY_LEVELS),
  metric: z.uuid(),
  tag: z.string().trim().min(1).max(40),
  /** The whole metric, its breakdown values, or both. */
  scope: z.enum(INBOX_SCOPES),
  before: z.iso.datetime(),
};

export const INBOX_DEFAULTS = { status: 'all', severity: 'low', scope: 'metric' } as const;

export const inboxQuerySchema = z
  .object({
    status: inboxQueryFields.status.default(INBOX_DEFAULTS.status),
    severity: inboxQueryFields.severity.default(INBOX_DEFAULTS.severity),
    metric: inboxQueryFields.metric.optional(),
    tag: inboxQueryFields.tag.optional(),
    scope: inboxQueryFields.scope.default(INBOX_DEFAULTS.scope),
    before: inboxQueryFields.before.optional(),
  })
  .strict();
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

export const anomalyIdSchema = z.object({ anomalyId: z.uuid('Unknown anomaly.') }).strict();

/** Triage acts on one anomaly or on every anomaly of its incident. */
const target = {
  anomalyId: z.uuid('Unknown anomaly.'),
  incident: z.boolean().default(false),
};

export const acknowledgeInputSchema = z.object(target).strict();
export type AcknowledgeInput = z.input<typeof acknowledgeInputSchema>;

export const markExpectedInputSchema = z
  .object({
    ...target,
    note: z
      .string()
      .trim()
      .min(1, 'Say what happened, e.g. "Planned maintenance".')
      .max(MAX_NOTE_LENGTH, `Keep the note under ${MAX_NOTE_LENGTH} characters.`),
  })
  .strict();
export type MarkExpectedInput = z.input<typeof markExpectedInputSchema>;

export const unmarkExpectedInputSchema = z.object(target).strict();
export type UnmarkExpectedInput = z.input<typeof unmarkExpectedInputSchema>;

export type ExplainingSegment = { dimension: string; value: string; contribution: number };

export type InboxAnomaly = {
  id: string;
  metricId: string;
  metricName: string;
  interval: MetricInterval;
  format: MetricFormat;
  unit: string;
  bucketStart: string;
  /** Start of the next bucket: the anomaly covers [bucketStart, bucketEnd). */
  bucketEnd: string;
  /** Empty for the whole metric. */
  dimension: string;
  dimensionValue: string;
  value: number | null;
  expected: number;
  lower: number;
  upper: number;
  score: number;
  severity: SeverityLevel;
  direction: 'up' | 'down';
  status: 'active' | 'resolved';
  expectedEvent: boolean;
  note: string | null;
  /** Segments that explain a whole-metric move, largest share first. */
  explanation: ExplainingSegment[];
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
};

export type Incident = {
  /** The id of its newest anomaly: stable while the incident does not grow. */
  id: string;
  start: string;
  end: string;
  metrics: { id: string; name: string }[];
  severity: SeverityLevel;
  direction: 'up' | 'down' | 'mixed';
  /** Active while any of its anomalies is. */
  status: 'active' | 'resolved';
  acknowledged: number;
  expected: number;
  /** Newest first. */
  anomalies: InboxAnomaly[];
};

export type InboxPage = {
  query: InboxQuery;
  incidents: Incident[];
  anomalyCount: number;
  /** The cursor of the next (older) page, or null on the last one. */
  nextBefore: string | null;
};

export type AnomalyDelivery = {
  id: string;
  ruleId: string;
  ruleName: string;
  event: 'firing' | 'resolved' | 'test';
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
};

export type TriageResult = { anomalyIds: string[] };
