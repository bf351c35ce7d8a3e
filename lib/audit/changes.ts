/**
 * What an audit entry changed, field by field, keyed by dotted path as the forms' field errors are. Like
 * diffSnapshots, but a side that is missing (a created resource has no before, a deleted one no after, a new
 * nested object no old one) reads as empty, so nested fields are listed one by one rather than as one blob.
 */
import { diffSnapshots, type SnapshotChange } from '@/lib/metrics/diff';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function auditChanges(before: unknown, after: unknown, path = ''): SnapshotChange[] {
  const b = before === undefined && isPlainObject(after) ? {} : before;
  const a = after === undefined && isPlainObject(before) ? {} : after;
  if (isPlainObject(b) && isPlainObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.flatMap((key) => auditChanges(b[key], a[key], path ? `${path}.${key}` : key));
  }
  return diffSnapshots(before, after, path);
}
