import Link from 'next/link';
import { CatalogFilters } from '@/components/metrics/catalog-filters';
import { CatalogPager } from '@/components/metrics/catalog-pager';
import { CatalogTable } from '@/components/metrics/catalog-table';
import { NewMetricLink } from '@/components/metrics/new-metric-link';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { isFilteredCatalog, parseCatalogSearchParams, toCatalogSearch } from '@/lib/metrics/search-params';
import { listCatalogPage } from '@/lib/series/catalog';
import { setMetricsLifecycleAction } from './actions';

export const metadata = { title: 'Metrics' };

export default async function CatalogPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageContext((await params).project);
  const query = parseCatalogSearchParams(await searchParams);
  const catalog = await listCatalogPage({ ctx, input: query });
  const path = `/p/${ctx.project.slug}/metrics`;
  const { total, matching } = catalog;
  const filtered = isFilteredCatalog(query);

  return (
    <>
      <PageHeader
        title="Metrics"
        description={`${total} metric${total === 1 ? '' : 's'} defined in ${ctx.project.name}${
          filtered ? `; ${matching} match${matching === 1 ? 'es' : ''} the filters` : ''
        }.`}
        actions={<NewMetricLink projectSlug={ctx.project.slug} role={ctx.role} />}
      />
      {total === 0 ? (
        <EmptyState title="No metrics yet">
          <p>
            Metrics are defined on fact tables: connect a data source, describe a fact table with a SELECT,
            then define a metric such as a count of orders per hour.
          </p>
        </EmptyState>
      ) : (
        <>
          <CatalogFilters query={query} facets={catalog.facets} path={path} />
          {matching === 0 ? (
            <EmptyState title="No metrics match these filters">
              <p>
                <Link
                  href={`${path}${toCatalogSearch({ sort: query.sort, dir: query.dir })}`}
                  className="font-medium text-brand-700 hover:underline dark:text-brand-100"
                >
                  Clear filters
                </Link>{' '}
                to see all {total} metrics, or search for something else.
              </p>
            </EmptyState>
          ) : (
            <>
              <CatalogTable
                entries={catalog.entries}
                query={{ ...query, page: catalog.page }}
                projectSlug={ctx.project.slug}
                timeZone={ctx.project.timeZone}
                now={catalog.now}
                canEdit={can(ctx.role, 'defineMetrics')}
                setLifecycle={setMetricsLifecycleAction}
              />
              <CatalogPager
                query={query}
                path={path}
                page={catalog.page}
                pageCount={catalog.pageCount}
                pageSize={catalog.pageSize}
                matching={matching}
              />
            </>
          )}
        </>
      )}
    </>
  );
}
