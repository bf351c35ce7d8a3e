import type { Aggregation, MetricDefinition, ValueKind } from './schemas';

const COUNT_SHAPED: ReadonlySet<Aggregation> = new Set(['count', 'count_distinct', 'sum']);

/**
 * Count-shaped series read a gap as 0 and get count models; fractional ones read a gap as null. Sums are
 * count-shaped: no orders in an hour means no revenue, not unknown revenue.
 */
export function valueKindOf(
  definition: MetricDefinition,
  inputKinds: (metricId: string) => ValueKind = () => 'fractional',
): ValueKind {
  switch (definition.kind) {
    case 'fact':
      if (definition.shape === 'ratio') return 'fractional';
      return COUNT_SHAPED.has(definition.operand.aggregation) ? 'count' : 'fractional';
    case 'sql':
      return definition.valueKind;
    case 'composition': {
      if (definition.op === 'div') return 'fractional';
      if (definition.op === 'scale') return inputKinds(definition.a);
      // A difference of counts can go negative, so only a sum of counts stays count-shaped.
      const both =
        inputKinds(definition.a) === 'count' && definition.b && inputKinds(definition.b) === 'count';
      return definition.op === 'add' && both ? 'count' : 'fractional';
    }
    default: {
      const never: never = definition;
      return never;
    }
  }
}
