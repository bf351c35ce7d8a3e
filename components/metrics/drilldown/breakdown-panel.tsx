import Link from 'next/link';
import { BreakdownChart } from '@/components/charts/breakdown-chart';
import { breakdownColor } from '@/components/charts/palette';
import { formatValue } from '@/lib/series/format';
import type { BreakdownsView } from '@/lib/series/schemas';

const TOP_CHOICES = [3, 5, 10];

/**
 * Every breakdown dimension of the metric over the shown range: the top N values as a chart and a table.
 * `topHref` builds the link that changes N, keeping the rest of the view.
 */
export function BreakdownPanel({
  view,
  topHref,
  exportHref,
}: {
  view: BreakdownsView;
  topHref: (top: number) => string;
  exportHref: (dimension: string) => string;
}) {
  if (view.dimensions.length === 0) return null;
  const meta = { timeZone: view.timeZone, format: view.format, unit: view.unit };
  const aggregateLabel = view.valueKind === 'count' ? 'Total' : 'Average';
  return (
    <section aria-labelledby="breakdown-heading" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="breakdown-heading" className="text-lg font-semibold">
          Breakdown
        </h2>
        <nav
          aria-label="Values per dimension"
          className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400"
        >
          <span>Top</span>
          {TOP_CHOICES.map((n) => (
            <Link
              key={n}
              href={topHref(n)}
              scroll={false}
              aria-current={view.top === n ? 'true' : undefined}
              className={
                view.top === n
                  ? 'rounded bg-slate-200 px-2 py-0.5 font-medium text-slate-900 dark:bg-slate-700 dark:text-white'
                  : 'rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800'
              }
            >
              {n}
            </Link>
          ))}
        </nav>
      </div>
      <div className={view.dimensions.length > 1 ? 'grid gap-4 xl:grid-cols-2' : 'grid gap-4'}>
        {view.dimensions.map((dimension) => {
          const headingId = `breakdown-${dimension.dimension}`;
          return (
            <article
              key={dimension.dimension}
              aria-labelledby={headingId}
              className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
            >
              <div className="mb-2 flex items-baseline justify-between gap-2">
                <h3 id={headingId} className="font-medium">
                  By {dimension.dimension}
                </h3>
                <a
                  href={exportHref(dimension.dimension)}
                  className="text-xs text-brand-600 dark:text-brand-100 hover:underline"
                  download
                >
                  CSV<span className="sr-only"> of the breakdown by {dimension.dimension}</span>
                </a>
              </div>
              {dimension.keys.length === 0 ? (
                <p className="py-8 text-center text-sm text-slate-500 dark:text-slate-400">
                  No breakdown values in this range.
                </p>
              ) : (
                <>
                  <figure data-testid={`breakdown-chart-${dimension.dimension}`}>
                    <figcaption className="sr-only">
                      {view.name} by {dimension.dimension}, top {dimension.keys.length} values; the table
                      below lists them.
                    </figcaption>
                    <BreakdownChart view={dimension} meta={meta} />
                  </figure>
                  <table className="mt-3 w-full text-sm">
                    <caption className="sr-only">
                      {view.name} by {dimension.dimension}
                    </caption>
                    <thead className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                      <tr>
                        <th scope="col" className="py-1 text-left font-medium">
                          {dimension.dimension}
                        </th>
                        <th scope="col" className="py-1 text-right font-medium">
                          {aggregateLabel}
                        </th>
                        {dimension.stacked ? (
                          <th scope="col" className="py-1 text-right font-medium">
                            Share
                          </th>
                        ) : null}
                        <th scope="col" className="py-1 text-right font-medium">
                          Latest
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                      {dimension.rows.map((row, i) => (
                        <tr key={row.label}>
                          <th scope="row" className="py-1 text-left font-normal">
                            <span
                              aria-hidden
                              className="mr-2 inline-block size-2.5 rounded-sm align-middle"
                              style={{ background: breakdownColor(row.label, i) }}
                            />
                            {row.label}
                          </th>
                          <td className="py-1 text-right tabular-nums">{formatValue(row.value, view)}</td>
                          {dimension.stacked ? (
                            <td className="py-1 text-right tabular-nums text-slate-600 dark:text-slate-400">
                              {row.share === null ? '—' : `${(row.share * 100).toFixed(1)}%`}
                            </td>
                          ) : null}
                          <td className="py-1 text-right tabular-nums text-slate-600 dark:text-slate-400">
                            {formatValue(row.latest, view)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {dimension.hidden > 0 ? (
                    <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                      {dimension.hidden} more value{dimension.hidden === 1 ? '' : 's'} not shown: averages
                      cannot be folded into “(other)”.
                    </p>
                  ) : null}
                </>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}
