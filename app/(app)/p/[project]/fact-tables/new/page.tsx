import { FactTableForm } from '@/components/fact-tables/fact-table-form';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { listDataSources } from '@/lib/sources/service';
import { createFactTableAction, previewFactTableAction } from '../actions';

export const metadata = { title: 'New fact table' };

export default async function NewFactTablePage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  if (!can(ctx.role, 'defineMetrics')) {
    return (
      <EmptyState title="Editors define fact tables">
        <p>You can read fact tables in {ctx.project.name}; ask an admin for the editor role to add one.</p>
      </EmptyState>
    );
  }
  const sources = await listDataSources({ ctx });
  return (
    <>
      <PageHeader
        title="New fact table"
        description="A reusable SELECT with a timestamp column. Preview it, pick its columns, name its row filters."
      />
      {sources.length === 0 ? (
        <EmptyState title="No data source yet">
          <p>An admin connects a data source first; fact tables read from it.</p>
        </EmptyState>
      ) : (
        <FactTableForm
          projectSlug={ctx.project.slug}
          dataSources={sources.map(({ id, name }) => ({ id, name }))}
          actions={{ preview: previewFactTableAction, save: createFactTableAction }}
        />
      )}
    </>
  );
}
