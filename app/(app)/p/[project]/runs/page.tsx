import { CollectNowButton } from '@/components/runs/collect-now-button';
import { RunList } from '@/components/runs/run-list';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { listRuns } from '@/lib/collection/service';

export const metadata = { title: 'Collection runs' };

export default async function RunsPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const runs = await listRuns({ ctx });
  return (
    <>
      <PageHeader
        title="Collection runs"
        description="Every scheduled tick, manual run and backfill, newest first. Ticks with nothing due leave no run."
        actions={can(ctx.role, 'runCollection') ? <CollectNowButton projectSlug={ctx.project.slug} /> : null}
      />
      {runs.length === 0 ? (
        <EmptyState title="No collection has run yet">
          <p>Metrics are collected on a schedule once they are active; an editor can also collect now.</p>
        </EmptyState>
      ) : (
        <RunList runs={runs} projectSlug={ctx.project.slug} />
      )}
    </>
  );
}
