import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Audit log' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Audit log"
      description="Who changed what, and when."
      planned={[
        'Filter by actor, action and resource',
        'See the before and after of every definition change',
      ]}
    />
  );
}
