import Link from 'next/link';
import type { DefinitionView } from '@/lib/series/definition';

/** The definition in words, then its parts; a SQL metric's own query as written. */
export function MetricDefinition({
  definition,
  projectSlug,
}: {
  definition: DefinitionView;
  projectSlug: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <p className="text-sm">{definition.summary}</p>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {definition.parts.map((part) => (
          <div key={part.label} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{part.label}</dt>
            <dd>
              {part.link ? (
                <Link
                  href={`/p/${projectSlug}/${part.link}`}
                  className="text-brand-600 dark:text-brand-100 hover:underline"
                >
                  {part.value}
                </Link>
              ) : (
                part.value
              )}
              {part.code && part.code.length > 0 ? (
                <span className="ml-2 inline-flex flex-wrap gap-1">
                  {part.code.map((c) => (
                    <code key={c} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">
                      {c}
                    </code>
                  ))}
                </span>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {definition.sql ? (
        <pre className="mt-3 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs leading-relaxed dark:bg-slate-900">
          <code>{definition.sql}</code>
        </pre>
      ) : null}
    </div>
  );
}
