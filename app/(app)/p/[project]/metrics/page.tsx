import { CatalogFilters } from '@/components/metrics/catalog-filters';
import { CatalogTable } from '@/components/metrics/catalog-table';
import { NewMetricLink } from '@/components/metrics/new-metric-link';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { parseCatalogSearchParams } from '@/lib/metrics/search-params';
import { listCatalog } from '@/lib/metrics/service';
import { listCatalogValues } from '@/lib/series/catalog';
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
  const filtered = Object.keys(query).length > 0;
  const [rows, all] = await Promise.all([
    listCatalog({ ctx, input: query }),
    filtered ? listCatalog({ ctx, input: {} }) : null,
  ]);
  const values = await listCatalogValues({ ctx, input: { metricIds: rows.map((r) => r.id) } });
  const tags = [...new Set((all ?? rows).flatMap((r) => r.tags))].sort();
  const total = (all ?? rows).length;

  return (
    <>
      <PageHeader
        title="Metrics"
        description={`${total} metric${total === 1 ? '' : 's'} defined in ${ctx.project.name}.`}
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
          <CatalogFilters query={query} tags={tags} />
          {rows.length === 0 ? (
            <EmptyState title="No metric matches these filters">
              <p>Clear the search or pick another status to see more.</p>
            </EmptyState>
          ) : (
            <CatalogTable
              rows={rows}
              values={values}
              projectSlug={ctx.project.slug}
              timeZone={ctx.project.timeZone}
              canEdit={can(ctx.role, 'defineMetrics')}
              setLifecycle={setMetricsLifecycleAction}
            />
          )}
        </>
      )}
    </>
  );
}
