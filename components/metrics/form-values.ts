import type { z } from 'zod';
import type {
  Aggregation,
  metricInputSchema,
  MetricInput,
  MetricInterval,
  MetricLifecycle,
} from '@/lib/metrics/schemas';
import type { ColumnType } from '@/lib/metrics/column-fit';

/** What the metric form holds: the shared input schema's input side, never a redeclared schema. */
export type MetricFormValues = z.input<typeof metricInputSchema>;
export type DefinitionValues = MetricFormValues['definition'];
export type OperandValues = Extract<DefinitionValues, { shape: 'ratio' }>['numerator'];

/** Where an operand lives in the definition. */
export type OperandKey = 'operand' | 'numerator' | 'denominator';

/** The four kinds the form switches between: a fact metric is single or a ratio. */
export const KIND_CHOICES = [
  { key: 'fact-single', label: 'Fact', hint: 'One aggregation of a fact table' },
  { key: 'fact-ratio', label: 'Fact ratio', hint: 'Numerator ÷ denominator' },
  { key: 'sql', label: 'SQL', hint: 'A SELECT of your own' },
  { key: 'composition', label: 'Composition', hint: 'Arithmetic over other metrics' },
] as const;
export type KindKey = (typeof KIND_CHOICES)[number]['key'];

export function kindKeyOf(definition: DefinitionValues): KindKey {
  if (definition.kind === 'fact') return definition.shape === 'ratio' ? 'fact-ratio' : 'fact-single';
  return definition.kind;
}

/** The pickers' choices, loaded by the page: nothing in the definition is typed by hand. */
export type FactTableOption = {
  id: string;
  name: string;
  dataSourceId: string;
  columns: { name: string; type: ColumnType; nativeType: string }[];
  rowFilters: { id: string; name: string; expression: string }[];
};
export type MetricOption = { id: string; name: string; interval: MetricInterval; lifecycle: MetricLifecycle };
export type NamedOption = { id: string; name: string };

export type MetricFormOptions = {
  factTables: FactTableOption[];
  dataSources: NamedOption[];
  /** Other metrics of the project, for compositions. */
  metrics: MetricOption[];
  members: NamedOption[];
};

export function emptyOperand(factTableId = '', aggregation: Aggregation = 'count'): OperandValues {
  return { factTableId, aggregation, column: null, rowFilterIds: [] };
}

export const SQL_TEMPLATE = `SELECT date_trunc('hour', created_at) AS bucket,
       count(*) AS value
FROM orders
WHERE created_at >= {{start}} AND created_at < {{end}}
GROUP BY 1`;

/**
 * A fresh definition of a kind, seeded from what the form held before so that switching kinds keeps the
 * fact table (single → ratio counts the same rows on both sides until the numerator gets a filter).
 */
export function emptyDefinition(
  key: KindKey,
  { previous, options }: { previous: DefinitionValues; options: MetricFormOptions },
): DefinitionValues {
  const firstTable = options.factTables[0]?.id ?? '';
  const seed: OperandValues =
    previous.kind === 'fact'
      ? { ...(previous.shape === 'single' ? previous.operand : previous.numerator) }
      : emptyOperand(firstTable);
  switch (key) {
    case 'fact-single':
      return { kind: 'fact', shape: 'single', operand: seed, breakdowns: [], topN: 10 };
    case 'fact-ratio':
      return {
        kind: 'fact',
        shape: 'ratio',
        numerator: seed,
        denominator: emptyOperand(seed.factTableId),
      };
    case 'sql':
      return {
        kind: 'sql',
        dataSourceId: options.dataSources[0]?.id ?? '',
        sql: SQL_TEMPLATE,
        valueKind: 'count',
      };
    case 'composition':
      return { kind: 'composition', op: 'div', a: options.metrics[0]?.id ?? '', b: null, k: null };
    default: {
      const never: never = key;
      return never;
    }
  }
}

export function newMetricValues({
  options,
  ownerId,
}: {
  options: MetricFormOptions;
  ownerId: string | null;
}): MetricFormValues {
  const factTableId = options.factTables[0]?.id ?? '';
  return {
    name: '',
    description: '',
    ownerId,
    tags: [],
    unit: '',
    format: 'number',
    direction: 'neutral',
    interval: 'hour',
    lifecycle: 'draft',
    sensitivity: 5,
    definition: options.factTables.length
      ? { kind: 'fact', shape: 'single', operand: emptyOperand(factTableId), breakdowns: [], topN: 10 }
      : {
          kind: 'sql',
          dataSourceId: options.dataSources[0]?.id ?? '',
          sql: SQL_TEMPLATE,
          valueKind: 'count',
        },
  };
}

/** A saved metric as the form holds it: the same fields the input schema takes. */
export function toFormValues(metric: MetricInput): MetricFormValues {
  return {
    name: metric.name,
    description: metric.description,
    ownerId: metric.ownerId,
    tags: metric.tags,
    unit: metric.unit,
    format: metric.format,
    direction: metric.direction,
    interval: metric.interval,
    lifecycle: metric.lifecycle,
    sensitivity: metric.sensitivity,
    definition: metric.definition,
  };
}
