import { ConnectionTest } from '@/components/sources/connection-test';
import { DataSourceForm } from '@/components/sources/data-source-form';
import { DataSourceSummary } from '@/components/sources/data-source-summary';
import { DeleteDataSource } from '@/components/sources/delete-data-source';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { orNotFound } from '@/lib/pages';
import { getDataSource } from '@/lib/sources/service';
import { deleteDataSourceAction, testDataSourceAction, updateDataSourceAction } from '../actions';

export const metadata = { title: 'Data source' };

export default async function DataSourcePage({
  params,
}: {
  params: Promise<{ project: string; sourceId: string }>;
}) {
  const { project, sourceId } = await params;
  const ctx = await requirePageContext(project);
  const source = await orNotFound(getDataSource({ ctx, input: { id: sourceId } }));
  const slug = ctx.project.slug;

  if (!can(ctx.role, 'manageDataSources')) {
    return (
      <>
        <PageHeader title={source.name} />
        <DataSourceSummary source={source} />
      </>
    );
  }
  return (
    <>
      <PageHeader title={source.name} />
      <div className="max-w-3xl space-y-10">
        {source.kind === 'embedded' ? (
          <DataSourceSummary source={source} />
        ) : (
          <DataSourceForm projectSlug={slug} source={source} save={updateDataSourceAction} />
        )}
        <ConnectionTest projectSlug={slug} dataSourceId={source.id} test={testDataSourceAction} />
        <section
          aria-labelledby="danger-zone"
          className="space-y-3 border-t border-slate-200 pt-6 dark:border-slate-800"
        >
          <h2 id="danger-zone" className="text-base font-semibold">
            Delete
          </h2>
          <DeleteDataSource projectSlug={slug} dataSource={source} remove={deleteDataSourceAction} />
        </section>
      </div>
    </>
  );
}
