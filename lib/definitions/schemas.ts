/**
 * The definitions file: a project's data sources, fact tables, metrics and alert rules as one YAML document,
 * cross-referenced by name instead of id. Strict at every level, built from the same field schemas as the forms,
 * so a value the form would refuse is refused here too. Client-safe: no database, no Node built-ins.
 *
 * Secrets are never part of it: a data source has no password or CA field, and an alert rule's webhook URL and
 * signing secret are accepted only to create a new rule (an export never writes them).
 */
import { z } from 'zod';
import {
  alertConditionSchema,
  muteWindowSchema,
  signingSecretSchema,
  webhookUrlSchema,
} from '@/lib/alerts/schemas';
import {
  MAX_FACT_TABLE_SQL_LENGTH,
  MAX_IDENTIFIER_COLUMNS,
  MAX_ROW_FILTERS,
  rowFilterInputSchema,
} from '@/lib/fact-tables/schemas';
import {
  AGGREGATIONS,
  COMPOSITION_OPS,
  MAX_USER_SQL_LENGTH,
  metricBaseSchema,
  VALUE_KINDS,
} from '@/lib/metrics/schemas';
import { clickhouseConfigSchema, embeddedConfigSchema, postgresConfigSchema } from '@/lib/sources/schemas';
import { safeText } from '@/lib/text';

export const DEFINITIONS_FILE_VERSION = 1;
/** Larger files are refused before parsing; a catalog of a thousand metrics is about a third of this. */
export const MAX_DEFINITIONS_FILE_BYTES = 1024 * 1024;

export const MAX_FILE_DATA_SOURCES = 100;
export const MAX_FILE_FACT_TABLES = 500;
export const MAX_FILE_METRICS = 2000;
export const MAX_FILE_ALERT_RULES = 500;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const identifier = (message: string) => z.string({ error: message }).regex(IDENTIFIER, message);

/** A name that refers to another entry of the file or of the project. */
const reference = (label: string) => safeText({ label, max: 120, min: 1 }).transform((s) => s.trim());

function addDuplicateIssues(values: readonly string[], path: (string | number)[], ctx: z.RefinementCtx) {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i)
      ctx.addIssue({ code: 'custom', path: [...path, i], message: 'Listed twice.' });
  });
}

// Data sources: connection fields only. `password` and `caPem` are unknown keys here, so a file holding one is
// refused rather than silently dropping it.

const dataSourceName = safeText({ label: 'Name', max: 100, min: 1 });

const postgresSourceSchema = z
  .object({ name: dataSourceName, kind: z.literal('postgres'), ...postgresConfigSchema.shape })
  .strict();
const clickhouseSourceSchema = z
  .object({ name: dataSourceName, kind: z.literal('clickhouse'), ...clickhouseConfigSchema.shape })
  .strict();
const embeddedSourceSchema = z
  .object({ name: dataSourceName, kind: z.literal('embedded'), ...embeddedConfigSchema.shape })
  .strict();

export const fileDataSourceSchema = z.discriminatedUnion(
  'kind',
  [postgresSourceSchema, clickhouseSourceSchema, embeddedSourceSchema],
  { error: 'Set kind to postgres, clickhouse or embedded.' },
);
export type FileDataSource = z.output<typeof fileDataSourceSchema>;

// Fact tables.

export const fileColumnSchema = z
  .object({
    name: identifier('Column names are letters, digits and _ (at most 63).'),
    type: z.enum(['number', 'string', 'boolean', 'timestamp'], 'Pick number, string, boolean or timestamp.'),
    nativeType: safeText({ label: 'Native type', max: 128, min: 1 }),
  })
  .strict();
export type FileColumn = z.output<typeof fileColumnSchema>;

export const fileFactTableSchema = z
  .object({
    name: safeText({ label: 'Name', max: 120, min: 1 }).transform((s) => s.trim()),
    dataSource: reference('Data source'),
    description: safeText({ label: 'Description', max: 2000 }).default(''),
    sql: safeText({ label: 'SQL', max: MAX_FACT_TABLE_SQL_LENGTH, min: 1 }),
    timestampColumn: identifier('Name the timestamp column.'),
    identifierColumns: z
      .array(identifier('Name a column of the query.'))
      .max(MAX_IDENTIFIER_COLUMNS, `At most ${MAX_IDENTIFIER_COLUMNS} identifier columns.`)
      .default([]),
    rowFilters: z
      .array(rowFilterInputSchema.omit({ id: true }))
      .max(MAX_ROW_FILTERS, `At most ${MAX_ROW_FILTERS} row filters.`)
      .default([]),
    /**
     * What the query returned when it was exported. Import reads the columns from the warehouse; these are used
     * only when the data source cannot be queried yet (no password set).
     */
    columns: z.array(fileColumnSchema).max(500, 'At most 500 columns.').optional(),
  })
  .strict()
  .superRefine((table, ctx) => {
    addDuplicateIssues(table.identifierColumns, ['identifierColumns'], ctx);
    addDuplicateIssues(
      table.rowFilters.map((f) => f.name),
      ['rowFilters'],
      ctx,
    );
  });
export type FileFactTable = z.output<typeof fileFactTableSchema>;

// Metrics: the metric form's fields, with names where the form holds ids.

const columnName = identifier('Name a column of the fact table.');
const rowFilterName = safeText({ label: 'Row filter', max: 60, min: 1 });

export const fileOperandSchema = z
  .object({
    factTable: reference('Fact table'),
    aggregation: z.enum(AGGREGATIONS, `Pick an aggregation: ${AGGREGATIONS.join(', ')}.`),
    /** Null only for `count`, which counts rows. */
    column: columnName.nullable().default(null),
    rowFilters: z.array(rowFilterName).max(10, 'At most 10 row filters.').default([]),
  })
  .strict()
  .superRefine((operand, ctx) => {
    if (operand.aggregation !== 'count' && operand.column === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['column'],
        message: `Name the column to ${operand.aggregation}.`,
      });
    }
    addDuplicateIssues(operand.rowFilters, ['rowFilters'], ctx);
  });
export type FileOperand = z.output<typeof fileOperandSchema>;

const fileFactSingleSchema = z
  .object({
    kind: z.literal('fact'),
    shape: z.literal('single'),
    operand: fileOperandSchema,
    breakdowns: z.array(columnName).max(3, 'At most 3 breakdown dimensions.').default([]),
    topN: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .superRefine((def, ctx) => addDuplicateIssues(def.breakdowns, ['breakdowns'], ctx));

const fileFactRatioSchema = z
  .object({
    kind: z.literal('fact'),
    shape: z.literal('ratio'),
    numerator: fileOperandSchema,
    denominator: fileOperandSchema,
  })
  .strict();

const fileSqlDefinitionSchema = z
  .object({
    kind: z.literal('sql'),
    dataSource: reference('Data source'),
    sql: safeText({ label: 'SQL', max: MAX_USER_SQL_LENGTH, min: 1 }),
    valueKind: z.enum(VALUE_KINDS).default('fractional'),
  })
  .strict();

const fileCompositionSchema = z
  .object({
    kind: z.literal('composition'),
    op: z.enum(COMPOSITION_OPS, 'Pick an operation: div, sub, add or scale.'),
    a: reference('Metric'),
    b: reference('Metric').nullable().default(null),
    k: z.number().finite('Enter a finite number.').nullable().default(null),
  })
  .strict()
  .superRefine((def, ctx) => {
    if (def.op === 'scale') {
      if (def.k === null)
        ctx.addIssue({ code: 'custom', path: ['k'], message: 'Set k, the factor to scale by.' });
    } else if (def.b === null) {
      ctx.addIssue({ code: 'custom', path: ['b'], message: 'Name the second metric.' });
    } else if (def.b === def.a) {
      ctx.addIssue({ code: 'custom', path: ['b'], message: 'Name a different metric than a.' });
    }
  });

export const fileDefinitionSchema = z.discriminatedUnion(
  'kind',
  [
    z.discriminatedUnion('shape', [fileFactSingleSchema, fileFactRatioSchema], {
      error: 'Set shape to single or ratio.',
    }),
    fileSqlDefinitionSchema,
    fileCompositionSchema,
  ],
  { error: 'Set kind to fact, sql or composition.' },
);
export type FileDefinition = z.output<typeof fileDefinitionSchema>;

export const fileMetricSchema = metricBaseSchema
  .omit({ ownerId: true })
  .extend({
    /** The owner's email; they must be a member of the project. */
    owner: safeText({ label: 'Owner', max: 320, min: 1 }).nullable().default(null),
    definition: fileDefinitionSchema,
  })
  .strict();
export type FileMetric = z.output<typeof fileMetricSchema>;

// Alert rules: scope by metric names or tags; the channel's type without its secrets.

const fileScopeSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('all') }).strict(),
    z
      .object({
        type: z.literal('tags'),
        tags: metricBaseSchema.shape.tags.unwrap().min(1, 'Name at least one tag.'),
      })
      .strict(),
    z
      .object({
        type: z.literal('metrics'),
        metrics: z
          .array(reference('Metric'))
          .min(1, 'Name at least one metric.')
          .max(200, 'At most 200 metrics; use tags for more.'),
      })
      .strict(),
  ],
  { error: 'Set scope.type to all, tags or metrics.' },
);

const fileChannelSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('slack'), url: webhookUrlSchema.optional() }).strict(),
    z
      .object({
        type: z.literal('webhook'),
        url: webhookUrlSchema.optional(),
        signingSecret: signingSecretSchema.optional(),
      })
      .strict(),
  ],
  { error: 'Set channel.type to slack or webhook.' },
);

export const fileAlertRuleSchema = z
  .object({
    name: safeText({ label: 'Name', max: 120, min: 1 }).transform((s) => s.trim()),
    enabled: z.boolean().default(true),
    scope: fileScopeSchema,
    condition: alertConditionSchema,
    pendingBuckets: z.number().int().min(1).max(48).default(1),
    channel: fileChannelSchema,
    muteWindows: z.array(muteWindowSchema).max(10, 'At most 10 mute windows.').default([]),
  })
  .strict();
export type FileAlertRule = z.output<typeof fileAlertRuleSchema>;

const uniqueNames = (label: string) => (entries: readonly { name: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `Another ${label} in the file has this name.`,
      });
    }
    seen.add(entry.name);
  });
};

export const definitionsFileSchema = z
  .object({
    version: z.literal(DEFINITIONS_FILE_VERSION, `Set version: ${DEFINITIONS_FILE_VERSION}.`),
    dataSources: z
      .array(fileDataSourceSchema)
      .max(MAX_FILE_DATA_SOURCES)
      .default([])
      .superRefine(uniqueNames('data source')),
    factTables: z
      .array(fileFactTableSchema)
      .max(MAX_FILE_FACT_TABLES)
      .default([])
      .superRefine(uniqueNames('fact table')),
    metrics: z.array(fileMetricSchema).max(MAX_FILE_METRICS).default([]).superRefine(uniqueNames('metric')),
    alertRules: z
      .array(fileAlertRuleSchema)
      .max(MAX_FILE_ALERT_RULES)
      .default([])
      .superRefine(uniqueNames('alert rule')),
  })
  .strict();
export type DefinitionsFile = z.output<typeof definitionsFileSchema>;

/** What the import page and action send: the file's text, and whether to write it (a dry run otherwise). */
export const importDefinitionsInputSchema = z
  .object({
    yaml: z.string({ error: 'Paste or choose a definitions file.' }),
    apply: z.boolean().default(false),
    /** The plan the person reviewed: apply refuses when the project changed since (a different plan). */
    expectedPlan: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'Unknown plan.')
      .optional(),
  })
  .strict();
export type ImportDefinitionsInput = z.input<typeof importDefinitionsInputSchema>;

export const DEFINITION_RESOURCES = ['data_source', 'fact_table', 'metric', 'alert_rule'] as const;
export type DefinitionResource = (typeof DEFINITION_RESOURCES)[number];
export type DefinitionAction = 'create' | 'update' | 'unchanged' | 'left_alone';

export type DefinitionChange = { path: string; before: unknown; after: unknown };

export type DefinitionPlanEntry = {
  resource: DefinitionResource;
  name: string;
  action: DefinitionAction;
  /** For updates: each changed field, by its path in the file. */
  changes: DefinitionChange[];
  /** What the person should do next, e.g. set a new data source's password. */
  notes: string[];
};

export type DefinitionsImportResult = {
  applied: boolean;
  /** Fingerprint of the plan; pass it back as expectedPlan to apply exactly what was reviewed. */
  plan: string;
  entries: DefinitionPlanEntry[];
  counts: Record<DefinitionAction, number>;
};
