import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Anomalies' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Anomalies"
      description="Every move the detector found, active and resolved."
      planned={[
        'See active anomalies by severity, metric and tag',
        'Acknowledge them or mark them expected',
        'See which segments explain each move',
      ]}
    />
  );
}
