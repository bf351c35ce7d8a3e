'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export const NAV_ITEMS = [
  { segment: 'metrics', label: 'Metrics' },
  { segment: 'fact-tables', label: 'Fact tables' },
  { segment: 'anomalies', label: 'Anomalies' },
  { segment: 'alerts', label: 'Alert rules' },
  { segment: 'sources', label: 'Data sources' },
  { segment: 'runs', label: 'Collection runs' },
  { segment: 'audit', label: 'Audit log' },
  { segment: 'api', label: 'API' },
  { segment: 'settings', label: 'Settings' },
] as const;

export function NavLinks({ projectSlug }: { projectSlug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project" className="flex flex-col gap-0.5">
      {NAV_ITEMS.map((item) => {
        const href = `/p/${projectSlug}/${item.segment}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.segment}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={clsx(
              'rounded-md px-3 py-2 text-sm font-medium',
              active
                ? 'bg-brand-50 text-brand-700 dark:bg-brand-700/20 dark:text-brand-100'
                : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800',
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
