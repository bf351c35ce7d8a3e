import Link from 'next/link';
import { FactTableList } from '@/components/fact-tables/fact-table-list';
import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { listFactTables } from '@/lib/fact-tables/service';

export const metadata = { title: 'Fact tables' };

export default async function FactTablesPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const factTables = await listFactTables({ ctx });
  return (
    <>
      <PageHeader
        title="Fact tables"
        description="Reusable SELECTs on a data source, with their columns and named row filters. Metrics are built on them."
        actions={
          can(ctx.role, 'defineMetrics') ? (
            <Link href={`/p/${ctx.project.slug}/fact-tables/new`} className={buttonClassName()}>
              New fact table
            </Link>
          ) : null
        }
      />
      {factTables.length === 0 ? (
        <EmptyState title="No fact tables yet">
          <p>A fact table is a SELECT with a timestamp column, such as one row per order.</p>
        </EmptyState>
      ) : (
        <FactTableList factTables={factTables} projectSlug={ctx.project.slug} />
      )}
    </>
  );
}
