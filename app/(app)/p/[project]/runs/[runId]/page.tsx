import Link from 'next/link';
import { RunDetail } from '@/components/runs/run-detail';
import { TRIGGER_LABEL } from '@/components/runs/run-format';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { getRun } from '@/lib/collection/service';
import { orNotFound } from '@/lib/pages';

export const metadata = { title: 'Collection run' };

export default async function RunPage({ params }: { params: Promise<{ project: string; runId: string }> }) {
  const { project, runId } = await params;
  const ctx = await requirePageContext(project);
  const run = await orNotFound(getRun({ ctx, input: { runId } }));
  return (
    <>
      <Link
        href={`/p/${ctx.project.slug}/runs`}
        className="text-sm text-brand-700 hover:underline dark:text-brand-100"
      >
        ← All runs
      </Link>
      <PageHeader title={`${TRIGGER_LABEL[run.trigger]} run`} description={`Run ${run.id}`} />
      <RunDetail initial={run} projectSlug={ctx.project.slug} />
    </>
  );
}
