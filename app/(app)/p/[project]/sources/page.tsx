import Link from 'next/link';
import { DataSourceList } from '@/components/sources/data-source-list';
import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
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
        actions={
          can(ctx.role, 'manageDataSources') ? (
            <Link href={`/p/${ctx.project.slug}/sources/new`} className={buttonClassName()}>
              New data source
            </Link>
          ) : null
        }
      />
      {sources.length === 0 ? (
        <EmptyState title="No data sources yet">
          <p>An admin connects a Postgres or ClickHouse warehouse with a read-only user.</p>
        </EmptyState>
      ) : (
        <DataSourceList sources={sources} projectSlug={ctx.project.slug} />
      )}
    </>
  );
}
