import { FactTableDetail } from '@/components/fact-tables/fact-table-detail';
import { FactTableForm } from '@/components/fact-tables/fact-table-form';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { getFactTable } from '@/lib/fact-tables/service';
import { orNotFound } from '@/lib/pages';
import { listDataSources } from '@/lib/sources/service';
import { deleteFactTableAction, previewFactTableAction, updateFactTableAction } from '../actions';

export const metadata = { title: 'Fact table' };

export default async function FactTablePage({
  params,
}: {
  params: Promise<{ project: string; factTableId: string }>;
}) {
  const { project, factTableId } = await params;
  const ctx = await requirePageContext(project);
  const [factTable, sources] = await Promise.all([
    orNotFound(getFactTable({ ctx, input: { id: factTableId } })),
    listDataSources({ ctx }),
  ]);
  const dataSources = sources.map(({ id, name }) => ({ id, name }));
  return (
    <>
      <PageHeader title={factTable.name} description={factTable.description || undefined} />
      {can(ctx.role, 'defineMetrics') ? (
        <FactTableForm
          projectSlug={ctx.project.slug}
          dataSources={dataSources}
          factTable={factTable}
          actions={{
            preview: previewFactTableAction,
            save: updateFactTableAction,
            remove: deleteFactTableAction,
          }}
        />
      ) : (
        <FactTableDetail
          factTable={factTable}
          dataSourceName={dataSources.find((s) => s.id === factTable.dataSourceId)?.name ?? '—'}
        />
      )}
    </>
  );
}
