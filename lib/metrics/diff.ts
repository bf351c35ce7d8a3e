/**
 * What changed between two saved versions of a metric: one entry per leaf that differs, keyed by the same
 * dotted path the form uses for field errors (`definition.operand.column`). Arrays are compared whole, so a
 * reordered tag list is one change, not one per index.
 */
export type SnapshotChange = { path: string; before: unknown; after: unknown };

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return false;
}

/** Changes from `before` to `after`; a key missing on one side reads `undefined` there. */
export function diffSnapshots(before: unknown, after: unknown, path = ''): SnapshotChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffSnapshots(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return sameValue(before, after) ? [] : [{ path, before, after }];
}
