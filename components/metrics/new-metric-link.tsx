import Link from 'next/link';
import { buttonClassName } from '@/components/ui/button';
import { can, type Role } from '@/lib/auth/roles';

/** "New metric" for the catalog header; renders nothing for a role that cannot define metrics. */
export function NewMetricLink({ projectSlug, role }: { projectSlug: string; role: Role }) {
  if (!can(role, 'defineMetrics')) return null;
  return (
    <Link href={`/p/${projectSlug}/metrics/new`} className={buttonClassName()}>
      New metric
    </Link>
  );
}
