import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Alert rules' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Alert rules"
      description="Who hears about which anomalies, and how."
      planned={[
        'Send anomalies and thresholds to Slack or a signed webhook',
        'Preview how often a rule would have fired',
        'Snooze and mute windows',
      ]}
    />
  );
}
