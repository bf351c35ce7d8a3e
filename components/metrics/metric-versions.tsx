import type { MetricVersionDto } from '@/lib/metrics/service';

/** A diff value in words: ids read as the names the page knows them by. */
function describe(value: unknown, names: ReadonlyMap<string, string>): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return names.get(value) ?? value;
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.map((v) => describe(v, names)).join(', ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Every saved version, newest first: who saved it, when, and each changed path as before → after. */
export function MetricVersions({
  versions,
  names,
  timeZone,
}: {
  versions: MetricVersionDto[];
  names: ReadonlyMap<string, string>;
  timeZone: string;
}) {
  const formatTime = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <ol aria-label="Versions" className="space-y-3">
      {versions.map((v) => (
        <li
          key={v.version}
          aria-label={`Version ${v.version}`}
          className="rounded-md border border-slate-200 px-4 py-3 text-sm dark:border-slate-800"
        >
          <p className="flex flex-wrap items-baseline gap-x-2">
            <span className="font-semibold">Version {v.version}</span>
            <span className="text-slate-600 dark:text-slate-400">
              {v.changedBy?.name ?? 'Sightline'} ·{' '}
              <time dateTime={v.createdAt}>{formatTime.format(new Date(v.createdAt))}</time>
            </span>
          </p>
          {v.changes.length === 0 ? (
            <p className="mt-1 text-slate-600 dark:text-slate-400">
              {v.version === 1 ? 'Created.' : 'Saved without changes.'}
            </p>
          ) : (
            <ul className="mt-2 space-y-1">
              {v.changes.map((change) => (
                <li key={change.path} className="grid gap-x-3 sm:grid-cols-[16rem_1fr]">
                  <code className="truncate text-xs text-slate-500 dark:text-slate-400" title={change.path}>
                    {change.path}
                  </code>
                  <span className="min-w-0 break-words">
                    <del className="text-red-700 decoration-red-300 dark:text-red-400">
                      {describe(change.before, names)}
                    </del>{' '}
                    →{' '}
                    <ins className="text-emerald-700 no-underline dark:text-emerald-400">
                      {describe(change.after, names)}
                    </ins>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
