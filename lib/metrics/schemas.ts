/**
 * The metric definition: one zod discriminated union shared by the form, the server actions, the REST API and
 * the jsonb read path. Client-safe: no database, no Node built-ins.
 */
import { z } from 'zod';
import { safeText } from '@/lib/text';

export const AGGREGATIONS = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const METRIC_KINDS = ['fact', 'sql', 'composition'] as const;
export const METRIC_FORMATS = ['number', 'currency', 'percent', 'duration'] as const;
export const METRIC_DIRECTIONS = ['higher_is_better', 'lower_is_better', 'neutral'] as const;
export const METRIC_INTERVALS = ['hour', 'day', 'week'] as const;
export const METRIC_LIFECYCLES = ['draft', 'active', 'archived'] as const;
export const COMPOSITION_OPS = ['div', 'sub', 'add', 'scale'] as const;
export const VALUE_KINDS = ['count', 'fractional'] as const;

export type MetricInterval = (typeof METRIC_INTERVALS)[number];
export type MetricLifecycle = (typeof METRIC_LIFECYCLES)[number];
export type MetricFormat = (typeof METRIC_FORMATS)[number];
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];
export type ValueKind = (typeof VALUE_KINDS)[number];

export const MAX_USER_SQL_LENGTH = 100_000;

/** One issue per repeated entry, at its index, so the form marks the second occurrence. */
function addDuplicateIssues(values: readonly string[], path: string[], ctx: z.RefinementCtx): void {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i)
      ctx.addIssue({ code: 'custom', path: [...path, i], message: 'Listed twice.' });
  });
}

const columnName = z
  .string({ error: 'Pick a column of the fact table.' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'Pick a column of the fact table.');

export const factOperandSchema = z
  .object({
    factTableId: z.uuid('Pick a fact table.'),
    aggregation: z.enum(AGGREGATIONS, 'Pick an aggregation.'),
    /** Null only for `count`, which counts rows. */
    column: columnName.nullable().default(null),
    rowFilterIds: z.array(z.uuid('Unknown row filter.')).max(10, 'At most 10 row filters.').default([]),
  })
  .strict()
  .superRefine((operand, ctx) => {
    if (operand.aggregation !== 'count' && operand.column === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['column'],
        message: `Pick the column to ${operand.aggregation}.`,
      });
    }
    addDuplicateIssues(operand.rowFilterIds, ['rowFilterIds'], ctx);
  });

export type FactOperand = z.infer<typeof factOperandSchema>;

const factSingleSchema = z
  .object({
    kind: z.literal('fact'),
    shape: z.literal('single'),
    operand: factOperandSchema,
    breakdowns: z.array(columnName).max(3, 'At most 3 breakdown dimensions.').default([]),
    /** Values of each dimension kept per bucket; the rest is folded into `(other)`. */
    topN: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .superRefine((def, ctx) => addDuplicateIssues(def.breakdowns, ['breakdowns'], ctx));

const factRatioSchema = z
  .object({
    kind: z.literal('fact'),
    shape: z.literal('ratio'),
    numerator: factOperandSchema,
    denominator: factOperandSchema,
  })
  .strict();

export const factDefinitionSchema = z.discriminatedUnion('shape', [factSingleSchema, factRatioSchema]);

export const sqlDefinitionSchema = z
  .object({
    kind: z.literal('sql'),
    dataSourceId: z.uuid('Pick a data source.'),
    sql: safeText({ label: 'SQL', max: MAX_USER_SQL_LENGTH, min: 1 }),
    /** How gaps read: count-shaped series densify to 0, fractional ones to null. */
    valueKind: z.enum(VALUE_KINDS).default('fractional'),
  })
  .strict();

export const compositionDefinitionSchema = z
  .object({
    kind: z.literal('composition'),
    op: z.enum(COMPOSITION_OPS, 'Pick an operation.'),
    a: z.uuid('Pick a metric.'),
    b: z.uuid('Pick a metric.').nullable().default(null),
    k: z.number().finite('Enter a finite number.').nullable().default(null),
  })
  .strict()
  .superRefine((def, ctx) => {
    if (def.op === 'scale') {
      if (def.k === null)
        ctx.addIssue({ code: 'custom', path: ['k'], message: 'Enter the factor to scale by.' });
    } else if (def.b === null) {
      ctx.addIssue({ code: 'custom', path: ['b'], message: 'Pick the second metric.' });
    } else if (def.b === def.a) {
      ctx.addIssue({ code: 'custom', path: ['b'], message: 'Pick a different metric than the first.' });
    }
  });

export const metricDefinitionSchema = z.discriminatedUnion('kind', [
  factDefinitionSchema,
  sqlDefinitionSchema,
  compositionDefinitionSchema,
]);

export type MetricDefinition = z.infer<typeof metricDefinitionSchema>;
export type FactDefinition = z.infer<typeof factDefinitionSchema>;
export type SqlDefinition = z.infer<typeof sqlDefinitionSchema>;
export type CompositionDefinition = z.infer<typeof compositionDefinitionSchema>;

const tagSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Tags are lower-case letters, digits, - and _ (at most 40).');

export const metricBaseSchema = z.object({
  name: safeText({ label: 'Name', max: 120, min: 1 }).transform((s) => s.trim()),
  description: safeText({ label: 'Description', max: 2000 }).default(''),
  ownerId: z.uuid('Pick an owner.').nullable().default(null),
  tags: z.array(tagSchema).max(20, 'At most 20 tags.').default([]),
  unit: safeText({ label: 'Unit', max: 16 }).default(''),
  format: z.enum(METRIC_FORMATS).default('number'),
  direction: z.enum(METRIC_DIRECTIONS).default('neutral'),
  interval: z.enum(METRIC_INTERVALS, 'Pick an interval.'),
  lifecycle: z.enum(METRIC_LIFECYCLES).default('draft'),
  sensitivity: z.number().int().min(1).max(10).default(5),
});

export const metricInputSchema = metricBaseSchema.extend({ definition: metricDefinitionSchema }).strict();
export type MetricInput = z.infer<typeof metricInputSchema>;

/** An edit: the whole input again, plus the version the form was loaded at (optimistic concurrency). */
export const updateMetricInputSchema = metricBaseSchema
  .extend({
    metricId: z.uuid('Unknown metric.'),
    expectedVersion: z.number().int().min(1),
    definition: metricDefinitionSchema,
  })
  .strict();
export type UpdateMetricInput = z.infer<typeof updateMetricInputSchema>;

export const metricIdInputSchema = z.object({ metricId: z.uuid('Unknown metric.') }).strict();
export type MetricIdInput = z.infer<typeof metricIdInputSchema>;

export const setLifecycleInputSchema = z
  .object({
    metricIds: z.array(z.uuid()).min(1, 'Pick at least one metric.').max(500),
    lifecycle: z.enum(METRIC_LIFECYCLES),
  })
  .strict();
export type SetLifecycleInput = z.infer<typeof setLifecycleInputSchema>;

/** Signal filter: no active anomaly, any, or at least this severity. */
export const CATALOG_SIGNALS = ['none', 'any', 'medium', 'high'] as const;
export const CATALOG_SORTS = ['name', 'change', 'signal', 'collected'] as const;
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type CatalogSignal = (typeof CATALOG_SIGNALS)[number];
export type CatalogSort = (typeof CATALOG_SORTS)[number];
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const CATALOG_PAGE_SIZE = 50;

export const catalogQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    kind: z.enum(METRIC_KINDS).optional(),
    lifecycle: z.enum(METRIC_LIFECYCLES).optional(),
    tag: z.string().max(40).optional(),
    /** An owner's user id, or `none` for metrics without an owner. */
    owner: z.union([z.uuid(), z.literal('none')]).optional(),
    signal: z.enum(CATALOG_SIGNALS).optional(),
    /** Only active metrics whose last successful collection is older than two intervals. */
    stale: z.boolean().optional(),
    sort: z.enum(CATALOG_SORTS).optional(),
    dir: z.enum(SORT_DIRECTIONS).optional(),
    /** 1-based page of CATALOG_PAGE_SIZE rows, counted after every filter and the sort. */
    page: z.coerce.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;
