/**
 * What metrics read from a fact table (columns and row filters), so a change that would remove one of them can
 * be refused before it breaks collection.
 */
import { metricDefinitionSchema, type FactOperand, type MetricDefinition } from '@/lib/metrics/schemas';

export type FactTableUsage = { columns: Set<string>; rowFilterIds: Set<string> };

export function usageOfFactTable(definition: MetricDefinition, factTableId: string): FactTableUsage {
  const usage: FactTableUsage = { columns: new Set(), rowFilterIds: new Set() };
  if (definition.kind !== 'fact') return usage;
  const add = (operand: FactOperand) => {
    if (operand.factTableId !== factTableId) return;
    if (operand.column !== null) usage.columns.add(operand.column);
    for (const id of operand.rowFilterIds) usage.rowFilterIds.add(id);
  };
  if (definition.shape === 'single') {
    add(definition.operand);
    if (definition.operand.factTableId === factTableId) {
      for (const column of definition.breakdowns) usage.columns.add(column);
    }
  } else {
    add(definition.numerator);
    add(definition.denominator);
  }
  return usage;
}

export type BrokenMetric = {
  id: string;
  name: string;
  missingColumns: string[];
  missingRowFilterIds: string[];
};

/** Metrics that would lose a column or row filter they use if the fact table became `next`. */
export function findBrokenMetrics(
  metrics: readonly { id: string; name: string; definition: unknown }[],
  factTableId: string,
  next: { columns: ReadonlySet<string>; rowFilterIds: ReadonlySet<string> },
): BrokenMetric[] {
  const broken: BrokenMetric[] = [];
  for (const metric of metrics) {
    const parsed = metricDefinitionSchema.safeParse(metric.definition);
    // Stored definitions are re-read through the schema: a row that no longer parses fails loudly.
    if (!parsed.success) throw new Error(`Metric ${metric.id} has a definition that does not parse.`);
    const usage = usageOfFactTable(parsed.data, factTableId);
    const missingColumns = [...usage.columns].filter((c) => !next.columns.has(c));
    const missingRowFilterIds = [...usage.rowFilterIds].filter((id) => !next.rowFilterIds.has(id));
    if (missingColumns.length > 0 || missingRowFilterIds.length > 0) {
      broken.push({ id: metric.id, name: metric.name, missingColumns, missingRowFilterIds });
    }
  }
  return broken;
}
