import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Collection runs' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Collection runs"
      description="Every tick, manual run and backfill, with its outcome."
      planned={['Follow a run live with per-metric progress', 'See what failed and why']}
    />
  );
}
