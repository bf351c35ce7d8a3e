/**
 * What a definition reads, as rows of metric_dependencies: fact tables for `fact` metrics, other metrics for
 * compositions, nothing for `sql` metrics (they read their data source directly). Pure.
 */
import type { FactOperand, MetricDefinition } from './schemas';

export type MetricDependency = { factTableId: string } | { inputMetricId: string };

/** The fact operands of a definition with the path of each in the form (`definition.numerator`). */
export function factOperandsOf(definition: MetricDefinition): { path: string; operand: FactOperand }[] {
  if (definition.kind !== 'fact') return [];
  return definition.shape === 'single'
    ? [{ path: 'definition.operand', operand: definition.operand }]
    : [
        { path: 'definition.numerator', operand: definition.numerator },
        { path: 'definition.denominator', operand: definition.denominator },
      ];
}

/** The catalog metrics a composition reads, each with its field (`a`, `b`). */
export function inputMetricsOf(definition: MetricDefinition): { field: 'a' | 'b'; metricId: string }[] {
  if (definition.kind !== 'composition') return [];
  const inputs: { field: 'a' | 'b'; metricId: string }[] = [{ field: 'a', metricId: definition.a }];
  if (definition.op !== 'scale' && definition.b !== null) inputs.push({ field: 'b', metricId: definition.b });
  return inputs;
}

export function dependenciesOf(definition: MetricDefinition): MetricDependency[] {
  const factTableIds = new Set(factOperandsOf(definition).map((o) => o.operand.factTableId));
  const inputIds = new Set(inputMetricsOf(definition).map((i) => i.metricId));
  return [
    ...[...factTableIds].map((factTableId) => ({ factTableId })),
    ...[...inputIds].map((inputMetricId) => ({ inputMetricId })),
  ];
}
