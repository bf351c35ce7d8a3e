/**
 * What the REST API answers, as zod schemas for the OpenAPI document. Each schema is checked against the
 * service's DTO type at compile time (both directions), so the document cannot drift from what is sent.
 */
import { z } from 'zod';
import type { AlertRuleDto, AlertRuleListItem } from '@/lib/alerts/schemas';
import { alertConditionSchema, alertScopeSchema, ALERT_CHANNELS, SEVERITIES } from '@/lib/alerts/schemas';
import type { RunDto } from '@/lib/collection/service';
import type { JsonValue } from '@/lib/fact-tables/json-safe';
import type { FactTableDto, FactTablePreview } from '@/lib/fact-tables/service';
import type { InboxAnomaly, TriageResult } from '@/lib/inbox/schemas';
import {
  METRIC_DIRECTIONS,
  METRIC_FORMATS,
  METRIC_INTERVALS,
  METRIC_KINDS,
  METRIC_LIFECYCLES,
  metricDefinitionSchema,
  VALUE_KINDS,
} from '@/lib/metrics/schemas';
import type { CatalogEntry } from '@/lib/metrics/catalog-view';
import type { CatalogRow, MetricDto, MetricUpdateResult } from '@/lib/metrics/service';
import { RANGE_KEYS, RANGE_PRESETS } from '@/lib/series/schemas';
import type { BreakdownsView, CatalogValues, SeriesView } from '@/lib/series/schemas';

/** Compile-time proof that a schema's output and a DTO type are assignable both ways. */
type Same<S extends z.ZodType, T> = [z.output<S>] extends [T]
  ? [T] extends [z.output<S>]
    ? true
    : false
  : false;
function matches<_ extends true>(): void {}

const iso = z.string().describe('An ISO 8601 instant, e.g. 2026-03-01T00:00:00.000Z.');
const isoOrNull = iso.nullable();
const severity = z.enum(SEVERITIES);
const typeBucket = z.enum(['number', 'string', 'boolean', 'timestamp']);

export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum([
        'validation',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'rate_limited',
        'warehouse',
        'internal',
        'unavailable',
      ]),
      message: z.string(),
      fields: z
        .record(z.string(), z.string())
        .describe('Messages keyed by the path of the field they are about (`definition.operand.column`).'),
      ref: z.string().optional().describe('Reference to quote to an operator, on internal errors only.'),
    }),
  })
  .meta({ id: 'Error' });

export const deletedResponse = z.object({ id: z.uuid() }).meta({ id: 'Deleted' });

// Metrics

export const catalogValuesResponse = z
  .object({
    latest: z.number().nullable(),
    latestBucket: isoOrNull,
    previous: z.number().nullable(),
    deltaPct: z.number().nullable(),
    sparkline: z.array(z.object({ t: z.number(), value: z.number().nullable() })),
    signal: severity.nullable(),
    direction: z.enum(METRIC_DIRECTIONS),
    valueKind: z.enum(VALUE_KINDS),
  })
  .meta({ id: 'CatalogValues' });
matches<Same<typeof catalogValuesResponse, CatalogValues>>();

export const catalogRowResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    kind: z.enum(METRIC_KINDS),
    lifecycle: z.enum(METRIC_LIFECYCLES),
    interval: z.enum(METRIC_INTERVALS),
    tags: z.array(z.string()),
    unit: z.string(),
    format: z.enum(METRIC_FORMATS),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    lastCollectionStatus: z.enum(['ok', 'failed']).nullable(),
    lastCollectionError: z.string().nullable(),
    lastSuccessAt: isoOrNull,
    createdAt: iso,
  })
  .meta({ id: 'CatalogRow' });
matches<Same<typeof catalogRowResponse, CatalogRow>>();

export const metricListItemResponse = catalogRowResponse
  .extend({
    stale: z.boolean().describe('Active, and its last successful collection is overdue.'),
    values: catalogValuesResponse.nullable(),
  })
  .meta({ id: 'MetricListItem' });
matches<Same<typeof metricListItemResponse, CatalogEntry>>();

export const metricResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    tags: z.array(z.string()),
    unit: z.string(),
    format: z.enum(METRIC_FORMATS),
    direction: z.enum(METRIC_DIRECTIONS),
    interval: z.enum(METRIC_INTERVALS),
    lifecycle: z.enum(METRIC_LIFECYCLES),
    sensitivity: z.number().int(),
    kind: z.enum(METRIC_KINDS),
    definition: metricDefinitionSchema,
    valueKind: z.enum(VALUE_KINDS),
    version: z.number().int(),
    readBy: z.array(z.object({ id: z.uuid(), name: z.string() })),
    lastCollectedAt: isoOrNull,
    lastSuccessAt: isoOrNull,
    lastCollectionStatus: z.enum(['ok', 'failed']).nullable(),
    lastCollectionError: z.string().nullable(),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: 'Metric' });
matches<Same<typeof metricResponse, MetricDto>>();

export const metricUpdateResponse = z
  .object({
    metric: metricResponse,
    changed: z.boolean().describe('False when the input matched the stored version: nothing was written.'),
    definitionChanged: z
      .boolean()
      .describe('The definition or interval changed: stored history no longer matches; consider a backfill.'),
  })
  .meta({ id: 'MetricUpdate' });
matches<Same<typeof metricUpdateResponse, MetricUpdateResult>>();

// Series

const resolvedRange = z.object({
  key: z.enum(RANGE_KEYS),
  start: iso.describe('First bucket start, inclusive.'),
  end: iso.describe('End, exclusive.'),
  from: z.string().describe('First calendar date of the range in the project time zone.'),
  to: z.string().describe('Last calendar date of the range in the project time zone.'),
});

const seriesMeta = {
  metricId: z.uuid(),
  name: z.string(),
  interval: z.enum(METRIC_INTERVALS),
  valueKind: z.enum(VALUE_KINDS),
  format: z.enum(METRIC_FORMATS),
  unit: z.string(),
  direction: z.enum(METRIC_DIRECTIONS),
  timeZone: z.string(),
};

const periodAggregate = z.enum(['total', 'mean']);

export const seriesResponse = z
  .object({
    ...seriesMeta,
    range: resolvedRange,
    ranges: z.array(z.enum(RANGE_PRESETS)),
    points: z.array(
      z.object({
        t: z.number().describe('Bucket start, epoch milliseconds.'),
        value: z
          .number()
          .nullable()
          .describe('Densified: a count-shaped gap reads 0, a fractional one null.'),
        expected: z.number().nullable(),
        band: z.tuple([z.number(), z.number()]).nullable().describe('[lower, upper] of the expected band.'),
        flag: severity.nullable().describe('Severity when the bucket is anomalous.'),
        stored: z.boolean().describe('A stored anomaly sits on this bucket.'),
        ma: z.number().nullable(),
        trailing: z.number().nullable(),
        previous: z.number().nullable(),
      }),
    ),
    options: z.object({ ma: z.number().nullable(), trail: z.number().nullable(), compare: z.boolean() }),
    comparison: z
      .object({
        aggregate: periodAggregate,
        current: z.number().nullable(),
        previous: z.number().nullable(),
        deltaPct: z.number().nullable(),
        previousStart: iso,
        previousEnd: iso,
      })
      .nullable(),
    summary: z.object({
      aggregate: periodAggregate,
      value: z.number().nullable(),
      latest: z.number().nullable(),
      flagged: z.number().int(),
    }),
    coverage: z.object({ start: isoOrNull, end: isoOrNull }),
    bandMissing: z.boolean(),
    annotations: z.array(z.object({ start: z.number(), end: z.number(), note: z.string() })).optional(),
  })
  .meta({ id: 'Series' });
matches<Same<typeof seriesResponse, SeriesView>>();

export const breakdownsResponse = z
  .object({
    ...seriesMeta,
    range: resolvedRange,
    top: z.number().int(),
    dimensions: z.array(
      z.object({
        dimension: z.string(),
        interval: z.enum(METRIC_INTERVALS),
        keys: z.array(z.object({ key: z.string(), label: z.string() })),
        points: z.array(
          z
            .object({ t: z.number() })
            .catchall(z.number().nullable())
            .describe('`t` (epoch ms) and one entry per key.'),
        ),
        rows: z.array(
          z.object({
            label: z.string(),
            value: z.number().nullable(),
            share: z.number().nullable(),
            latest: z.number().nullable(),
          }),
        ),
        stacked: z.boolean(),
        hidden: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Breakdowns' });
matches<Same<typeof breakdownsResponse, BreakdownsView>>();

// Fact tables

export const factTableResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    dataSourceId: z.uuid(),
    sql: z.string(),
    timestampColumn: z.string(),
    columns: z.array(z.object({ name: z.string(), type: typeBucket, nativeType: z.string() })),
    identifierColumns: z.array(z.string()),
    rowFilters: z.array(z.object({ id: z.uuid(), name: z.string(), expression: z.string() })),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: 'FactTable' });
matches<Same<typeof factTableResponse, FactTableDto>>();

const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValue),
      z.record(z.string(), jsonValue),
    ]),
  )
  .meta({ id: 'JsonValue' });

export const factTablePreviewResponse = z
  .object({
    columns: z.array(z.object({ name: z.string(), nativeType: z.string(), type: typeBucket })),
    rows: z.array(z.record(z.string(), jsonValue)),
    rowCount: z.number().int(),
    capped: z.boolean().describe('The query returns more rows than the sample.'),
    elapsedMs: z.number(),
    timestampColumns: z.array(z.string()),
  })
  .meta({ id: 'FactTablePreview' });
matches<Same<typeof factTablePreviewResponse, FactTablePreview>>();

// Anomalies

export const anomalyResponse = z
  .object({
    id: z.uuid(),
    incidentId: z.uuid().describe('Anomalies close in time on related metrics share an incident.'),
    metricId: z.uuid(),
    metricName: z.string(),
    interval: z.enum(METRIC_INTERVALS),
    format: z.enum(METRIC_FORMATS),
    unit: z.string(),
    bucketStart: iso,
    bucketEnd: iso,
    dimension: z.string().describe('Empty for the whole metric.'),
    dimensionValue: z.string(),
    value: z.number().nullable(),
    expected: z.number(),
    lower: z.number(),
    upper: z.number(),
    score: z.number(),
    severity,
    direction: z.enum(['up', 'down']),
    status: z.enum(['active', 'resolved']),
    expectedEvent: z.boolean(),
    note: z.string().nullable(),
    explanation: z.array(z.object({ dimension: z.string(), value: z.string(), contribution: z.number() })),
    acknowledgedBy: z.string().nullable(),
    acknowledgedAt: isoOrNull,
  })
  .meta({ id: 'Anomaly' });
matches<Same<typeof anomalyResponse, InboxAnomaly & { incidentId: string }>>();

export const triageResponse = z
  .object({ anomalyIds: z.array(z.uuid()).describe('The anomalies this call changed.') })
  .meta({ id: 'TriageResult' });
matches<Same<typeof triageResponse, TriageResult>>();

// Runs

export const runResponse = z
  .object({
    id: z.uuid(),
    trigger: z.enum(['cron', 'manual', 'backfill', 'api']),
    status: z.enum(['pending', 'running', 'completed', 'failed']),
    windowStart: isoOrNull,
    windowEnd: isoOrNull,
    metricsAttempted: z.number().int(),
    metricsWritten: z.number().int(),
    metricsFailed: z.number().int(),
    valuesWritten: z.number().int(),
    progressDone: z.number().int(),
    progressTotal: z.number().int(),
    details: z.array(
      z.object({
        metricId: z.uuid(),
        name: z.string(),
        status: z.enum(['ok', 'failed', 'skipped']),
        valuesWritten: z.number().int(),
        error: z.string().optional(),
        durationMs: z.number().optional(),
        windowStart: z.string().optional(),
        windowEnd: z.string().optional(),
      }),
    ),
    error: z.string().nullable(),
    createdAt: iso,
    startedAt: isoOrNull,
    finishedAt: isoOrNull,
    durationMs: z.number().nullable(),
    request: z.object({
      metricIds: z.array(z.uuid()).optional(),
      start: z.string().optional(),
      end: z.string().optional(),
      force: z.boolean().optional(),
    }),
  })
  .meta({ id: 'Run' });
matches<Same<typeof runResponse, RunDto>>();

// Alert rules

export const alertRuleResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    enabled: z.boolean(),
    scope: alertScopeSchema,
    condition: alertConditionSchema,
    pendingBuckets: z.number().int(),
    channel: z.object({
      type: z.enum(ALERT_CHANNELS),
      targetHost: z.string(),
      urlMask: z.string().describe('The webhook URL is never returned, only its host with the rest masked.'),
      signingSecretSet: z.boolean(),
    }),
    snoozedUntil: isoOrNull,
    muteWindows: z.array(z.object({ startsAt: z.string(), endsAt: z.string() })),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: 'AlertRule' });
matches<Same<typeof alertRuleResponse, AlertRuleDto>>();

export const alertRuleListItemResponse = alertRuleResponse
  .extend({
    states: z.array(
      z.object({
        metricId: z.uuid(),
        metricName: z.string(),
        state: z.enum(['pending', 'firing', 'resolved']),
        since: iso,
      }),
    ),
  })
  .meta({ id: 'AlertRuleListItem' });
matches<Same<typeof alertRuleListItemResponse, AlertRuleListItem>>();

/** A list answer: `data`, and the cursor of the next page (null on the last page, or for unpaged lists). */
export function pageOf<S extends z.ZodType>(item: S) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });
}
