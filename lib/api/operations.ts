/**
 * The one registry of REST API operations. Route files wrap their handlers with the operation they serve
 * (apiRoute), the OpenAPI document is generated from this list, and a unit test checks that every route file
 * under app/api/v1 is listed here and every entry here has its route file, so docs and routes cannot drift.
 */
import { z } from 'zod';
import {
  alertRuleListItemResponse,
  alertRuleResponse,
  anomalyResponse,
  breakdownsResponse,
  deletedResponse,
  factTablePreviewResponse,
  factTableResponse,
  metricListItemResponse,
  metricResponse,
  metricUpdateResponse,
  pageOf,
  runResponse,
  seriesResponse,
  triageResponse,
} from './responses';
import {
  acknowledgeBodySchema,
  alertRuleCreateBodySchema,
  alertRulePatchBodySchema,
  anomalyListQuerySchema,
  breakdownApiQuerySchema,
  emptyBodySchema,
  factTableCreateBodySchema,
  factTablePatchBodySchema,
  factTablePreviewBodySchema,
  metricCreateBodySchema,
  metricListQuerySchema,
  metricPatchBodySchema,
  runListQuerySchema,
  runStartBodySchema,
  seriesApiQuerySchema,
} from './schemas';

export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type ApiAccess = 'public' | 'viewer' | 'editor';

/** The names in `{braces}` of a path pattern. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParams<Rest>
  : never;

export type ApiOperation<
  P extends string = string,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> = {
  /** The OpenAPI operationId. */
  id: string;
  method: ApiMethod;
  /** The route pattern, as in OpenAPI and in the request counters: `/api/v1/projects/{project}/metrics`. */
  path: P;
  tag: string;
  summary: string;
  description?: string;
  /** The least role the operation needs; tokens are viewer or editor. */
  access: ApiAccess;
  query?: Q;
  body?: B;
  /** A body is optional: an empty body reads as `{}`. */
  bodyOptional?: boolean;
  response: z.ZodType;
  status: 200 | 201 | 202;
  /** Also answers `format=csv` with text/csv. */
  csv?: boolean;
};

function operation<
  const P extends string,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(op: ApiOperation<P, Q, B>): ApiOperation<P, Q, B> {
  return op;
}

/** Descriptions of the path parameters, by name. */
export const PATH_PARAMS: Record<string, string> = {
  project: 'The project slug, as in the app URL /p/{project}.',
  metricId: 'The metric id.',
  factTableId: 'The fact table id.',
  anomalyId: 'The anomaly id.',
  runId: 'The collection run id.',
  ruleId: 'The alert rule id.',
};

const P = '/api/v1/projects/{project}';

export const ops = {
  openapi: operation({
    id: 'getOpenApiDocument',
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'Meta',
    summary: 'This API as an OpenAPI 3.1 document',
    description: 'Public: it describes the API, never any data.',
    access: 'public',
    response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document.'),
    status: 200,
  }),

  listMetrics: operation({
    id: 'listMetrics',
    method: 'GET',
    path: `${P}/metrics`,
    tag: 'Metrics',
    summary: 'List metrics',
    description:
      'The catalog: one entry per metric with its latest value, change and signal, filtered and sorted like the catalog page, 50 per page.',
    access: 'viewer',
    query: metricListQuerySchema,
    response: pageOf(metricListItemResponse).extend({
      matching: z.number().int().describe('Metrics matching the filters, on all pages.'),
      total: z.number().int().describe('Metrics in the project, whatever the filters.'),
    }),
    status: 200,
  }),
  createMetric: operation({
    id: 'createMetric',
    method: 'POST',
    path: `${P}/metrics`,
    tag: 'Metrics',
    summary: 'Create a metric',
    description: 'The same definition the metric form saves; `sql` metrics are tried on the warehouse first.',
    access: 'editor',
    body: metricCreateBodySchema,
    response: metricResponse,
    status: 201,
  }),
  getMetric: operation({
    id: 'getMetric',
    method: 'GET',
    path: `${P}/metrics/{metricId}`,
    tag: 'Metrics',
    summary: 'Read a metric and its definition',
    access: 'viewer',
    response: metricResponse,
    status: 200,
  }),
  updateMetric: operation({
    id: 'updateMetric',
    method: 'PATCH',
    path: `${P}/metrics/{metricId}`,
    tag: 'Metrics',
    summary: 'Change a metric',
    description:
      'Send only the fields to change. Each save is a new version; `expectedVersion` turns a concurrent save into 409.',
    access: 'editor',
    body: metricPatchBodySchema,
    response: metricUpdateResponse,
    status: 200,
  }),
  archiveMetric: operation({
    id: 'archiveMetric',
    method: 'POST',
    path: `${P}/metrics/{metricId}/archive`,
    tag: 'Metrics',
    summary: 'Archive a metric',
    description: 'Archived metrics are no longer collected; their history stays.',
    access: 'editor',
    body: emptyBodySchema,
    bodyOptional: true,
    response: metricResponse,
    status: 200,
  }),
  activateMetric: operation({
    id: 'activateMetric',
    method: 'POST',
    path: `${P}/metrics/{metricId}/activate`,
    tag: 'Metrics',
    summary: 'Activate a metric',
    description: 'Active metrics are collected on schedule.',
    access: 'editor',
    body: emptyBodySchema,
    bodyOptional: true,
    response: metricResponse,
    status: 200,
  }),

  getMetricSeries: operation({
    id: 'getMetricSeries',
    method: 'GET',
    path: `${P}/metrics/{metricId}/series`,
    tag: 'Series',
    summary: "Read a metric's series",
    description:
      'Every bucket of the range (densified), with the expected band and anomaly flags, as on the drilldown. `format=csv` answers `bucket_start,value,expected,lower,upper,anomaly`. The JSON answer has an `ETag`: with `If-None-Match` it is `304 Not Modified` until something the series shows changes.',
    access: 'viewer',
    query: seriesApiQuerySchema,
    response: seriesResponse,
    status: 200,
    csv: true,
  }),
  getMetricBreakdown: operation({
    id: 'getMetricBreakdown',
    method: 'GET',
    path: `${P}/metrics/{metricId}/breakdown`,
    tag: 'Series',
    summary: "Read a metric's breakdowns",
    description:
      'For each breakdown dimension, the top values over the range. `format=csv` answers the stored rows of one `dimension`.',
    access: 'viewer',
    query: breakdownApiQuerySchema,
    response: breakdownsResponse,
    status: 200,
    csv: true,
  }),

  listFactTables: operation({
    id: 'listFactTables',
    method: 'GET',
    path: `${P}/fact-tables`,
    tag: 'Fact tables',
    summary: 'List fact tables',
    access: 'viewer',
    response: pageOf(factTableResponse),
    status: 200,
  }),
  createFactTable: operation({
    id: 'createFactTable',
    method: 'POST',
    path: `${P}/fact-tables`,
    tag: 'Fact tables',
    summary: 'Create a fact table',
    description: 'The SQL is checked and its columns introspected on the warehouse before anything is saved.',
    access: 'editor',
    body: factTableCreateBodySchema,
    response: factTableResponse,
    status: 201,
  }),
  previewFactTable: operation({
    id: 'previewFactTable',
    method: 'POST',
    path: `${P}/fact-tables/preview`,
    tag: 'Fact tables',
    summary: 'Preview a fact-table query',
    description:
      'Runs the SQL (and optionally one row filter) read-only and returns its columns and first rows.',
    access: 'editor',
    body: factTablePreviewBodySchema,
    response: factTablePreviewResponse,
    status: 200,
  }),
  getFactTable: operation({
    id: 'getFactTable',
    method: 'GET',
    path: `${P}/fact-tables/{factTableId}`,
    tag: 'Fact tables',
    summary: 'Read a fact table',
    access: 'viewer',
    response: factTableResponse,
    status: 200,
  }),
  updateFactTable: operation({
    id: 'updateFactTable',
    method: 'PATCH',
    path: `${P}/fact-tables/{factTableId}`,
    tag: 'Fact tables',
    summary: 'Change a fact table',
    description:
      'Send only the fields to change; everything is checked again on the warehouse. A change that would break a metric is refused with 409.',
    access: 'editor',
    body: factTablePatchBodySchema,
    response: factTableResponse,
    status: 200,
  }),

  listAnomalies: operation({
    id: 'listAnomalies',
    method: 'GET',
    path: `${P}/anomalies`,
    tag: 'Anomalies',
    summary: 'List anomalies',
    description: 'Newest first, about 50 a page; a page never splits an incident.',
    access: 'viewer',
    query: anomalyListQuerySchema,
    response: pageOf(anomalyResponse),
    status: 200,
  }),
  acknowledgeAnomaly: operation({
    id: 'acknowledgeAnomaly',
    method: 'POST',
    path: `${P}/anomalies/{anomalyId}/acknowledge`,
    tag: 'Anomalies',
    summary: 'Acknowledge an anomaly',
    description: 'With `incident: true`, every anomaly of its incident that nobody acknowledged yet.',
    access: 'editor',
    body: acknowledgeBodySchema,
    bodyOptional: true,
    response: triageResponse,
    status: 200,
  }),

  listRuns: operation({
    id: 'listRuns',
    method: 'GET',
    path: `${P}/runs`,
    tag: 'Runs',
    summary: 'List collection runs',
    description: 'Newest first, 50 a page.',
    access: 'viewer',
    query: runListQuerySchema,
    response: pageOf(runResponse),
    status: 200,
  }),
  startRun: operation({
    id: 'startRun',
    method: 'POST',
    path: `${P}/runs`,
    tag: 'Runs',
    summary: 'Collect now, or backfill a range',
    description:
      'Queues the run and starts it right after answering; follow it with GET /runs/{runId} until it is completed or failed.',
    access: 'editor',
    body: runStartBodySchema,
    response: runResponse,
    status: 202,
  }),
  getRun: operation({
    id: 'getRun',
    method: 'GET',
    path: `${P}/runs/{runId}`,
    tag: 'Runs',
    summary: 'Read a collection run',
    access: 'viewer',
    response: runResponse,
    status: 200,
  }),

  listAlertRules: operation({
    id: 'listAlertRules',
    method: 'GET',
    path: `${P}/alert-rules`,
    tag: 'Alert rules',
    summary: 'List alert rules',
    access: 'viewer',
    response: pageOf(alertRuleListItemResponse),
    status: 200,
  }),
  createAlertRule: operation({
    id: 'createAlertRule',
    method: 'POST',
    path: `${P}/alert-rules`,
    tag: 'Alert rules',
    summary: 'Create an alert rule',
    description:
      'The webhook URL is checked against the outbound rules; it is stored encrypted and never returned.',
    access: 'editor',
    body: alertRuleCreateBodySchema,
    response: alertRuleResponse,
    status: 201,
  }),
  getAlertRule: operation({
    id: 'getAlertRule',
    method: 'GET',
    path: `${P}/alert-rules/{ruleId}`,
    tag: 'Alert rules',
    summary: 'Read an alert rule',
    access: 'viewer',
    response: alertRuleResponse,
    status: 200,
  }),
  updateAlertRule: operation({
    id: 'updateAlertRule',
    method: 'PATCH',
    path: `${P}/alert-rules/{ruleId}`,
    tag: 'Alert rules',
    summary: 'Change an alert rule',
    description: 'Send only the fields to change.',
    access: 'editor',
    body: alertRulePatchBodySchema,
    response: alertRuleResponse,
    status: 200,
  }),
  deleteAlertRule: operation({
    id: 'deleteAlertRule',
    method: 'DELETE',
    path: `${P}/alert-rules/{ruleId}`,
    tag: 'Alert rules',
    summary: 'Delete an alert rule',
    access: 'editor',
    response: deletedResponse,
    status: 200,
  }),
} as const;

export const API_OPERATIONS: readonly ApiOperation[] = Object.values(ops);

/** Where the route file of a path pattern lives: `{name}` segments are `[name]` folders. */
export function routeFileOf(path: string): string {
  return `app${path.replace(/\{([^}]+)\}/g, '[$1]')}/route.ts`;
}
