/**
 * The REST API's inputs, built from the schemas the forms and server actions use (lib/<module>/schemas.ts), so
 * the API accepts exactly what the UI accepts. Only what the URL form needs is added here: string query values,
 * cursors, the `format` switch, and partial bodies for PATCH. Every object is strict: unknown keys are errors.
 */
import { z } from 'zod';
import { alertRuleInputSchema } from '@/lib/alerts/schemas';
import { factTableInputSchema, previewInputSchema } from '@/lib/fact-tables/schemas';
import { acknowledgeInputSchema, inboxQueryFields, inboxQuerySchema } from '@/lib/inbox/schemas';
import {
  catalogQuerySchema,
  metricBaseSchema,
  metricDefinitionSchema,
  METRIC_INTERVALS,
} from '@/lib/metrics/schemas';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { seriesQueryFields } from '@/lib/series/schemas';

export const EXPORT_FORMATS = ['json', 'csv'] as const;

// Path parameters: the services check ids themselves; these only document them.

export const projectParam = z.string().describe('The project slug, as in the app URL /p/{project}.');
export const idParam = (what: string) => z.uuid().describe(`The ${what} id.`);

// Metrics

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const metricListQuerySchema = catalogQuerySchema
  .omit({ page: true, stale: true })
  .extend({
    stale: booleanParam.optional().describe('Only active metrics whose last collection is overdue.'),
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,5}$/, 'Use the nextCursor of the previous page.')
      .optional()
      .describe('The `nextCursor` of the previous page.'),
  })
  .strict();

export const metricCreateBodySchema = metricInputSchema;

/**
 * PATCH: any subset of the metric's fields; the rest keep their stored values. `expectedVersion` (the `version`
 * you read) makes the save fail with 409 if someone saved in between; without it the stored version is used.
 */
export const metricPatchBodySchema = metricBaseSchema
  .extend({
    definition: metricDefinitionSchema,
    expectedVersion: z.number().int().min(1),
  })
  .partial()
  .strict();

export const emptyBodySchema = z.object({}).strict();

// Series

const rangeFields = {
  range: seriesQueryFields.range
    .optional()
    .describe('A preset ending at the bucket in progress, or `custom` with from and to.'),
  from: seriesQueryFields.from.optional().describe('First calendar date (project time zone), with `to`.'),
  to: seriesQueryFields.to.optional().describe('Last calendar date, inclusive (project time zone).'),
};

function refineRange(query: { range?: string; from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if ((query.from === undefined) !== (query.to === undefined)) {
    ctx.addIssue({ code: 'custom', path: [query.from ? 'to' : 'from'], message: 'Give both from and to.' });
  } else if (query.from && query.to && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from.' });
  }
  if (query.range === 'custom' && query.from === undefined) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'A custom range needs from and to.' });
  }
}

export const seriesApiQuerySchema = z
  .object({
    ...rangeFields,
    grain: z
      .enum(METRIC_INTERVALS)
      .optional()
      .describe("The bucket size; must be the metric's own interval (series are stored at that grain)."),
    ma: seriesQueryFields.ma.optional().describe('Moving average over this many buckets.'),
    trail: seriesQueryFields.trail.optional().describe('Rolling total over this many buckets (counts only).'),
    compare: seriesQueryFields.compare.optional().describe('`previous` overlays the period just before.'),
    format: z.enum(EXPORT_FORMATS).default('json'),
  })
  .strict()
  .superRefine(refineRange);

export const breakdownApiQuerySchema = z
  .object({
    ...rangeFields,
    top: seriesQueryFields.top.optional().describe('Values per dimension; the rest fold into (other).'),
    dimension: seriesQueryFields.breakdown
      .optional()
      .describe('Only this dimension; required with format=csv.'),
    format: z.enum(EXPORT_FORMATS).default('json'),
  })
  .strict()
  .superRefine((query, ctx) => {
    refineRange(query, ctx);
    if (query.format === 'csv' && !query.dimension) {
      ctx.addIssue({ code: 'custom', path: ['dimension'], message: 'CSV exports one dimension: name it.' });
    }
  });

// Fact tables

export const factTableCreateBodySchema = factTableInputSchema;

/** PATCH: any subset of the fact table's fields; row filters, when given, replace the list (keep ids to keep them). */
export const factTablePatchBodySchema = z.object(factTableInputSchema.shape).partial().strict();

export const factTablePreviewBodySchema = previewInputSchema;

// Anomalies

export const anomalyListQuerySchema = inboxQuerySchema
  .omit({ before: true })
  .extend({
    cursor: inboxQueryFields.before.optional().describe('The `nextCursor` of the previous page.'),
  })
  .strict();

export const acknowledgeBodySchema = acknowledgeInputSchema.omit({ anomalyId: true });

// Runs

export const runListQuerySchema = z
  .object({ cursor: z.iso.datetime().optional().describe('The `nextCursor` of the previous page.') })
  .strict();

const metricIds = z.array(z.uuid('Unknown metric.')).max(500, 'At most 500 metrics.');

export const runStartBodySchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('collect'),
        metricIds: metricIds.optional().describe('Defaults to every active metric.'),
      })
      .strict()
      .describe('Collect the recent buckets of the metrics now.'),
    z
      .object({
        kind: z.literal('backfill'),
        from: z.string().max(40).describe('A date (2026-01-31, midnight UTC) or an instant with its offset.'),
        to: z.string().max(40).describe('Exclusive end, in the same form.'),
        metricIds: metricIds.optional().describe('Defaults to every active metric.'),
      })
      .strict()
      .describe('Rebuild every bucket that starts in [from, to).'),
  ],
  { error: 'Say which kind of run: collect or backfill.' },
);
export type RunStartBody = z.input<typeof runStartBodySchema>;

// Alert rules

export const alertRuleCreateBodySchema = alertRuleInputSchema;

/** PATCH: any subset; `channel`, when given, replaces the channel (an omitted url or secret keeps the stored one). */
export const alertRulePatchBodySchema = alertRuleInputSchema.partial().strict();
