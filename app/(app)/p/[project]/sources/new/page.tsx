import { DataSourceForm } from '@/components/sources/data-source-form';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { createDataSourceAction } from '../actions';

export const metadata = { title: 'New data source' };

export default async function NewDataSourcePage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  if (!can(ctx.role, 'manageDataSources')) {
    return (
      <EmptyState title="Admins connect data sources">
        <p>You can see the data sources of {ctx.project.name}; an admin adds and changes them.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <PageHeader
        title="New data source"
        description="Connect a Postgres or ClickHouse warehouse with a read-only user. The password is encrypted at rest."
      />
      <DataSourceForm projectSlug={ctx.project.slug} save={createDataSourceAction} />
    </>
  );
}
