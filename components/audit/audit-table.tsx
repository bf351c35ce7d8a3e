import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { AuditEntryDto } from '@/lib/audit/schemas';
import { actorName, formatAuditTime, resourceHref, resourceTypeLabel } from './audit-format';

function summary(entry: AuditEntryDto): string {
  const n = entry.changes.length;
  if (n === 0) return '';
  const fields = entry.changes.slice(0, 3).map((c) => c.path);
  return `${n} field${n === 1 ? '' : 's'}: ${fields.join(', ')}${n > 3 ? ', …' : ''}`;
}

/** Who did what, when, to what: one row per entry, newest first. */
export function AuditTable({
  entries,
  projectSlug,
  timeZone,
}: {
  entries: AuditEntryDto[];
  projectSlug: string;
  timeZone: string;
}) {
  const base = `/p/${projectSlug}/audit`;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm" aria-label="Audit log">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              When ({timeZone})
            </th>
            <th scope="col" className="px-3 py-2">
              Actor
            </th>
            <th scope="col" className="px-3 py-2">
              Action
            </th>
            <th scope="col" className="px-3 py-2">
              Resource
            </th>
            <th scope="col" className="px-3 py-2">
              Changes
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {entries.map((entry) => {
            const href = resourceHref(projectSlug, entry);
            const label = entry.resource.name ?? entry.resource.id?.slice(0, 8) ?? '—';
            return (
              <tr key={entry.id} className="align-top hover:bg-slate-50 dark:hover:bg-slate-900/60">
                <td className="whitespace-nowrap px-3 py-2">
                  <Link
                    href={`${base}/${entry.id}`}
                    className="font-medium text-brand-700 hover:underline dark:text-brand-100"
                  >
                    <time dateTime={entry.createdAt}>{formatAuditTime(entry.createdAt, timeZone)}</time>
                  </Link>
                </td>
                <td className="px-3 py-2">
                  {actorName(entry.actor)}
                  {entry.actor.type === 'user' ? null : (
                    <span className="ml-2">
                      <Badge tone={entry.actor.type === 'system' ? 'neutral' : 'blue'}>
                        {entry.actor.type}
                      </Badge>
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">
                  <code className="text-xs">{entry.action}</code>
                </td>
                <td className="px-3 py-2">
                  <span className="text-slate-500 dark:text-slate-400">
                    {resourceTypeLabel(entry.resource.type)}
                  </span>{' '}
                  {href ? (
                    <Link href={href} className="text-brand-700 hover:underline dark:text-brand-100">
                      {label}
                    </Link>
                  ) : (
                    <span>{label}</span>
                  )}
                </td>
                <td
                  className="max-w-xs truncate px-3 py-2 text-slate-600 dark:text-slate-400"
                  title={summary(entry)}
                >
                  {summary(entry)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
