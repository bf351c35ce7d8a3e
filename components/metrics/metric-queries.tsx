import type { MetricQuery } from '@/lib/collection/service';

/** The SQL collection runs for a metric (its page gives the section its heading), as it runs; `{{start}}` and `{{end}}` are each window's bounds. */
export function MetricQueries({ queries }: { queries: MetricQuery[] }) {
  return (
    <div className="space-y-3">
      {queries.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Computed from its input metrics&apos; stored series; nothing runs in the warehouse.
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every metric on the same fact table shares these queries. <code>{'{{start}}'}</code> and{' '}
            <code>{'{{end}}'}</code> are bound to each window&apos;s bounds; the SQL guard checks the whole
            statement before it runs read-only.
          </p>
          {queries.map((q) => (
            <details
              key={q.label}
              className="rounded-md border border-slate-200 dark:border-slate-800"
              open={queries.length === 1}
            >
              <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{q.label}</summary>
              <pre className="overflow-x-auto border-t border-slate-200 bg-slate-50 p-3 text-xs leading-relaxed dark:border-slate-800 dark:bg-slate-900">
                <code>{q.sql}</code>
              </pre>
            </details>
          ))}
        </>
      )}
    </div>
  );
}
