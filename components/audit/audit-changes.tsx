import type { SnapshotChange } from '@/lib/metrics/diff';
import { describeValue } from './audit-format';

/** Each changed field as path: before → after; a created resource shows only afters, a deleted one befores. */
export function AuditChanges({
  changes,
  names,
}: {
  changes: SnapshotChange[];
  names: ReadonlyMap<string, string>;
}) {
  const describe = (value: unknown) =>
    typeof value === 'string' ? (names.get(value) ?? value) : describeValue(value);
  return (
    <ul aria-label="Changes" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
      {changes.map((change) => (
        <li key={change.path} className="grid gap-x-4 py-2 sm:grid-cols-[16rem_1fr]">
          <code className="truncate text-xs text-slate-500 dark:text-slate-400" title={change.path}>
            {change.path}
          </code>
          <span className="min-w-0 break-words">
            {change.before === undefined ? null : (
              <del className="text-red-700 decoration-red-300 dark:text-red-400">
                {describe(change.before)}
              </del>
            )}
            {change.before !== undefined && change.after !== undefined ? ' → ' : null}
            {change.after === undefined ? null : (
              <ins className="text-emerald-700 no-underline dark:text-emerald-400">
                {describe(change.after)}
              </ins>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
