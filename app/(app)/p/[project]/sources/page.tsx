import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Data sources' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Data sources"
      description="The warehouses Sightline reads from."
      planned={[
        'Connect Postgres and ClickHouse warehouses with encrypted credentials',
        'Test a connection and see its latency and version',
      ]}
    />
  );
}
