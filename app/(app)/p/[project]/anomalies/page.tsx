import Link from 'next/link';
import { InboxFilters } from '@/components/anomalies/inbox-filters';
import { IncidentList } from '@/components/anomalies/incident-list';
import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { INBOX_DEFAULTS } from '@/lib/inbox/schemas';
import { parseInboxSearchParams, toInboxSearch } from '@/lib/inbox/search-params';
import { listInbox } from '@/lib/inbox/service';
import { listCatalog } from '@/lib/metrics/service';
import { acknowledgeAnomaliesAction, markExpectedAction, unmarkExpectedAction } from './actions';

export const metadata = { title: 'Anomalies' };

export default async function AnomaliesPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageContext((await params).project);
  const query = parseInboxSearchParams(await searchParams);
  const [page, catalog] = await Promise.all([
    listInbox({ ctx, input: query }),
    listCatalog({ ctx, input: {} }),
  ]);
  const base = `/p/${ctx.project.slug}/anomalies`;
  const { before: _before, ...filters } = query;
  const filtered =
    filters.status !== INBOX_DEFAULTS.status ||
    filters.severity !== INBOX_DEFAULTS.severity ||
    filters.scope !== INBOX_DEFAULTS.scope ||
    filters.metric !== undefined ||
    filters.tag !== undefined;
  const tags = [...new Set(catalog.flatMap((m) => m.tags))].sort();
  const metrics = catalog
    .map((m) => ({ id: m.id, name: m.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const n = page.incidents.length;

  return (
    <>
      <PageHeader
        title="Anomalies"
        description="What the detector found after each collection run, newest first. Metrics that read the same fact table and moved at the same time are grouped into one incident."
      />
      <InboxFilters query={query} metrics={metrics} tags={tags} clearHref={base} />
      {n === 0 && !query.before ? (
        filtered ? (
          <EmptyState title="No anomaly matches these filters">
            <p>
              Try every status and severity, or include breakdown values.{' '}
              <Link href={base} className="text-brand-700 underline dark:text-brand-100">
                Reset the filters
              </Link>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No anomalies yet">
            <p>
              After every collection run, Sightline scores each metric against its expected band. Once a
              metric has enough history (a week of hours, three weeks of days or eight weeks of weeks), a
              bucket outside the band appears here, with the segments that explain it. Metrics on the same
              fact table that move together show up as one incident.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
            {n} incident{n === 1 ? '' : 's'}, {page.anomalyCount} anomal
            {page.anomalyCount === 1 ? 'y' : 'ies'}
            {query.before ? ' (older page)' : ''}. Times in {ctx.project.timeZone}.
          </p>
          {n === 0 ? (
            <EmptyState title="Nothing older">
              <p>Every anomaly matching these filters is on the newer pages.</p>
            </EmptyState>
          ) : (
            <IncidentList
              incidents={page.incidents}
              projectSlug={ctx.project.slug}
              timeZone={ctx.project.timeZone}
              actions={
                can(ctx.role, 'acknowledgeAnomalies')
                  ? {
                      acknowledge: acknowledgeAnomaliesAction,
                      markExpected: markExpectedAction,
                      unmarkExpected: unmarkExpectedAction,
                    }
                  : undefined
              }
            />
          )}
          <nav aria-label="Pages" className="mt-6 flex justify-between">
            {query.before ? (
              <Link href={`${base}${toInboxSearch(filters)}`} className={buttonClassName('ghost')}>
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextBefore ? (
              <Link
                href={`${base}${toInboxSearch({ ...filters, before: page.nextBefore })}`}
                className={buttonClassName('secondary')}
              >
                Older anomalies →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
