import { DataSourceList } from '@/components/sources/data-source-list';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { listDataSources } from '@/lib/sources/service';

export const metadata = { title: 'Data sources' };

export default async function DataSourcesPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const sources = await listDataSources({ ctx });
  return (
    <>
      <PageHeader
        title="Data sources"
        description="The warehouses Sightline reads from. Credentials never leave the server."
      />
      {sources.length === 0 ? (
        <EmptyState title="No data sources yet">
          <p>An admin connects a Postgres or ClickHouse warehouse with a read-only user.</p>
        </EmptyState>
      ) : (
        <DataSourceList sources={sources} />
      )}
    </>
  );
}
