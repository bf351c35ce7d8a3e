import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Settings' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Settings"
      description="Members, API tokens and project preferences."
      planned={[
        'Invite members and set their roles',
        'Create and revoke API tokens',
        'Set the project time zone and retention',
      ]}
    />
  );
}
