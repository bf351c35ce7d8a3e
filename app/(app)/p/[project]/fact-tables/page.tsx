import { NotYet } from '@/components/layout/not-yet';
import { requirePageContext } from '@/lib/auth/session';

export const metadata = { title: 'Fact tables' };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  await requirePageContext((await params).project);
  return (
    <NotYet
      title="Fact tables"
      description="Reusable SELECTs on a data source that metrics are built on."
      planned={[
        'Write a SELECT with syntax highlighting and preview its columns and rows',
        'Pick the timestamp and identifier columns',
        'Name row filters such as status = completed',
      ]}
    />
  );
}
