/**
 * `composition` metrics: arithmetic over stored series, bucket by bucket. Pure.
 * Gaps follow the inputs' value kinds: a count-shaped input reads a missing bucket as 0, a fractional one as
 * unknown (so the result is a gap too); division by zero is a gap.
 */
import type { CompositionDefinition, ValueKind } from '@/lib/metrics/schemas';
import type { SeriesPoint } from './assemble';

export type InputSeries = { valueKind: ValueKind; values: ReadonlyMap<number, number | null> };

export function composeSeries(
  definition: CompositionDefinition,
  buckets: readonly Date[],
  a: InputSeries,
  b: InputSeries | null,
): SeriesPoint[] {
  const read = (input: InputSeries, ms: number): number | null => {
    if (input.values.has(ms)) return input.values.get(ms) ?? null;
    return input.valueKind === 'count' ? 0 : null;
  };
  const points: SeriesPoint[] = [];
  for (const bucket of buckets) {
    const ms = bucket.getTime();
    // Buckets neither input has are not written: they stay gaps rather than becoming computed zeros.
    if (!a.values.has(ms) && !(b?.values.has(ms) ?? false)) continue;
    const x = read(a, ms);
    const y = b === null ? null : read(b, ms);
    points.push({ bucket, value: apply(definition, x, y) });
  }
  return points;
}

function apply(definition: CompositionDefinition, x: number | null, y: number | null): number | null {
  if (definition.op === 'scale') return x === null || definition.k === null ? null : x * definition.k;
  if (x === null || y === null) return null;
  switch (definition.op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'div':
      return y === 0 ? null : x / y;
    default: {
      const never: never = definition.op;
      throw new Error(`Unknown composition op: ${String(never)}`);
    }
  }
}
