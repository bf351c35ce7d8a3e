import Link from 'next/link';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { resourceTypeLabel } from '@/components/audit/audit-format';
import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { parseAuditSearchParams, toAuditSearch } from '@/lib/audit/search-params';
import { listAuditLog } from '@/lib/audit/service';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Audit log' };

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageContext((await params).project);
  const query = parseAuditSearchParams(await searchParams);
  const page = await listAuditLog({ ctx, input: query });
  const base = `/p/${ctx.project.slug}/audit`;
  const { before, ...filters } = query;
  const filtered = Object.values(filters).some(Boolean);
  const { resourceId: _resourceId, ...withoutResource } = filters;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, and when: every change to the catalog, data sources and alert rules, every run started by hand, and what scheduled work and retention did."
      />
      <AuditFilters query={query} facets={page.facets} clearHref={base} />
      {filters.resourceId ? (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Only {filters.resource ? resourceTypeLabel(filters.resource).toLowerCase() : 'resource'}{' '}
          <code className="text-xs">{filters.resourceId}</code>.{' '}
          <Link href={`${base}${toAuditSearch(withoutResource)}`} className="text-brand-700 underline">
            Show every resource
          </Link>
        </p>
      ) : null}
      {page.entries.length === 0 && !before ? (
        filtered ? (
          <EmptyState title="No entry matches these filters">
            <p>
              <Link href={base} className="text-brand-700 underline">
                Reset the filters
              </Link>{' '}
              to see the whole log.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="Nothing has changed yet">
            <p>
              Creating, editing or deleting a metric, fact table, data source or alert rule is recorded here.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          {page.entries.length === 0 ? (
            <EmptyState title="Nothing older">
              <p>Every entry matching these filters is on the newer pages.</p>
            </EmptyState>
          ) : (
            <AuditTable
              entries={page.entries}
              projectSlug={ctx.project.slug}
              timeZone={ctx.project.timeZone}
            />
          )}
          <nav aria-label="Pages" className="mt-6 flex justify-between">
            {before ? (
              <Link href={`${base}${toAuditSearch(filters)}`} className={buttonClassName('ghost')}>
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextBefore ? (
              <Link
                href={`${base}${toAuditSearch({ ...filters, before: page.nextBefore })}`}
                className={buttonClassName('secondary')}
              >
                Older entries →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
