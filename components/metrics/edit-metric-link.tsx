import Link from 'next/link';
import { buttonClassName } from '@/components/ui/button';
import { can, type Role } from '@/lib/auth/roles';

/** "Edit" for a metric's page header; renders nothing for a role that cannot define metrics. */
export function EditMetricLink({
  projectSlug,
  metricId,
  role,
}: {
  projectSlug: string;
  metricId: string;
  role: Role;
}) {
  if (!can(role, 'defineMetrics')) return null;
  return (
    <Link href={`/p/${projectSlug}/metrics/${metricId}/edit`} className={buttonClassName('secondary')}>
      Edit
    </Link>
  );
}
