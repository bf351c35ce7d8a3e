/**
 * A metric definition in words, for the drilldown: one summary sentence and the parts it is made of, with
 * ids resolved to names. Pure: the caller supplies the names it looked up.
 */
import type { Aggregation, FactOperand, MetricDefinition, ValueKind } from '@/lib/metrics/schemas';

export type DefinitionLookup = {
  factTables: ReadonlyMap<
    string,
    { name: string; rowFilters: ReadonlyMap<string, { name: string; expression: string }> }
  >;
  dataSources: ReadonlyMap<string, string>;
  metrics: ReadonlyMap<string, string>;
};

export type DefinitionPart = {
  label: string;
  value: string;
  /** Path inside the project (`fact-tables/<id>`, `metrics/<id>`), when the part links somewhere. */
  link?: string;
  /** Row filter expressions and similar fragments, shown as code. */
  code?: string[];
};

export type DefinitionView = {
  summary: string;
  parts: DefinitionPart[];
  /** The user's own SQL of a `sql` metric, shown as written. */
  sql: string | null;
};

const AGGREGATION_WORDS: Record<Aggregation, string> = {
  count: 'Count of rows',
  count_distinct: 'Distinct count of',
  sum: 'Sum of',
  avg: 'Average of',
  min: 'Minimum of',
  max: 'Maximum of',
  p50: 'Median of',
  p90: '90th percentile of',
  p95: '95th percentile of',
  p99: '99th percentile of',
};

const UNKNOWN = '(deleted)';

function aggregationText(operand: FactOperand): string {
  const words = AGGREGATION_WORDS[operand.aggregation];
  return operand.aggregation === 'count' || operand.column === null ? words : `${words} ${operand.column}`;
}

function operandText(operand: FactOperand, lookup: DefinitionLookup): string {
  const table = lookup.factTables.get(operand.factTableId);
  const filters = operand.rowFilterIds.map((id) => table?.rowFilters.get(id)?.name ?? UNKNOWN);
  const where = filters.length > 0 ? ` where ${filters.join(' and ')}` : '';
  return `${aggregationText(operand)} in ${table?.name ?? UNKNOWN}${where}`;
}

function operandParts(prefix: string, operand: FactOperand, lookup: DefinitionLookup): DefinitionPart[] {
  const table = lookup.factTables.get(operand.factTableId);
  const label = (s: string) => (prefix ? `${prefix}: ${s.toLowerCase()}` : s);
  const parts: DefinitionPart[] = [
    { label: label('Fact table'), value: table?.name ?? UNKNOWN, link: `fact-tables/${operand.factTableId}` },
    { label: label('Aggregation'), value: aggregationText(operand) },
  ];
  if (operand.rowFilterIds.length > 0) {
    const filters = operand.rowFilterIds.map((id) => table?.rowFilters.get(id));
    parts.push({
      label: label('Row filters'),
      value: filters.map((f) => f?.name ?? UNKNOWN).join(', '),
      code: filters.map((f) => f?.expression ?? '').filter(Boolean),
    });
  }
  return parts;
}

const COMPOSITION_SYMBOL = { div: '÷', sub: '−', add: '+' } as const;

export function describeDefinition(
  definition: MetricDefinition,
  { lookup, valueKind }: { lookup: DefinitionLookup; valueKind: ValueKind },
): DefinitionView {
  const kindPart: DefinitionPart = {
    label: 'Value kind',
    value:
      valueKind === 'count'
        ? 'Count-shaped: a bucket without data reads 0'
        : 'Fractional: a bucket without data is a gap',
  };
  switch (definition.kind) {
    case 'fact': {
      if (definition.shape === 'single') {
        const by =
          definition.breakdowns.length > 0 ? `, broken down by ${definition.breakdowns.join(' and ')}` : '';
        const parts = operandParts('', definition.operand, lookup);
        if (definition.breakdowns.length > 0) {
          parts.push({
            label: 'Breakdowns',
            value: `${definition.breakdowns.join(', ')} (top ${definition.topN} values each, the rest as "(other)")`,
          });
        }
        return {
          summary: `${operandText(definition.operand, lookup)}${by}.`,
          parts: [...parts, kindPart],
          sql: null,
        };
      }
      return {
        summary: `(${operandText(definition.numerator, lookup)}) ÷ (${operandText(definition.denominator, lookup)}); a zero denominator is a gap.`,
        parts: [
          ...operandParts('Numerator', definition.numerator, lookup),
          ...operandParts('Denominator', definition.denominator, lookup),
          kindPart,
        ],
        sql: null,
      };
    }
    case 'sql': {
      const source = lookup.dataSources.get(definition.dataSourceId) ?? UNKNOWN;
      return {
        summary: `The rows of a SQL query on ${source}: one value per bucket, optionally per dimension.`,
        parts: [
          { label: 'Data source', value: source, link: `sources/${definition.dataSourceId}` },
          kindPart,
        ],
        sql: definition.sql,
      };
    }
    case 'composition': {
      const name = (id: string | null) => (id ? (lookup.metrics.get(id) ?? UNKNOWN) : UNKNOWN);
      const summary =
        definition.op === 'scale'
          ? `${definition.k ?? '?'} × ${name(definition.a)}`
          : `${name(definition.a)} ${COMPOSITION_SYMBOL[definition.op]} ${name(definition.b)}`;
      const inputs = [definition.a, ...(definition.op === 'scale' || !definition.b ? [] : [definition.b])];
      return {
        summary: `${summary}, computed from the stored series of ${inputs.length === 1 ? 'that metric' : 'those metrics'}.`,
        parts: [
          ...inputs.map((id, i) => ({
            label: inputs.length === 1 ? 'Input' : i === 0 ? 'First input' : 'Second input',
            value: name(id),
            link: `metrics/${id}`,
          })),
          ...(definition.op === 'scale' ? [{ label: 'Factor', value: String(definition.k ?? '') }] : []),
          kindPart,
        ],
        sql: null,
      };
    }
    default: {
      const never: never = definition;
      return never;
    }
  }
}
