import Link from 'next/link';
import { AuditChanges } from '@/components/audit/audit-changes';
import {
  actorName,
  describeValue,
  formatAuditTime,
  resourceHref,
  resourceTypeLabel,
} from '@/components/audit/audit-format';
import { PageHeader } from '@/components/ui/page-header';
import { toAuditSearch } from '@/lib/audit/search-params';
import { getAuditEntry } from '@/lib/audit/service';
import { requirePageContext } from '@/lib/auth/session';
import { listFactTables } from '@/lib/fact-tables/service';
import { orNotFound } from '@/lib/pages';
import { listDataSources } from '@/lib/sources/service';

export const metadata = { title: 'Audit entry' };

const SECTION = 'mt-8 text-base font-semibold';

export default async function AuditEntryPage({
  params,
}: {
  params: Promise<{ project: string; entryId: string }>;
}) {
  const { project, entryId } = await params;
  const ctx = await requirePageContext(project);
  const entry = await orNotFound(getAuditEntry({ ctx, input: { entryId } }));
  // Ids in a definition (its fact table, its data source) read as the names the other pages use.
  const [factTables, sources] = await Promise.all([listFactTables({ ctx }), listDataSources({ ctx })]);
  const names = new Map<string, string>([
    ...factTables.map((t) => [t.id, t.name] as [string, string]),
    ...sources.map((s) => [s.id, s.name] as [string, string]),
  ]);
  const base = `/p/${ctx.project.slug}/audit`;
  const href = resourceHref(ctx.project.slug, entry);
  const details = Object.entries(entry.details);

  return (
    <>
      <Link href={base} className="text-sm text-brand-700 hover:underline dark:text-brand-100">
        ← Audit log
      </Link>
      <PageHeader
        title={entry.action}
        description={`${actorName(entry.actor)} · ${formatAuditTime(entry.createdAt, ctx.project.timeZone)} (${ctx.project.timeZone})`}
      />
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-500 dark:text-slate-400">Actor</dt>
        <dd>
          {actorName(entry.actor)} <span className="text-slate-500">({entry.actor.type})</span>
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Resource</dt>
        <dd>
          {resourceTypeLabel(entry.resource.type)}{' '}
          {href ? (
            <Link href={href} className="text-brand-700 hover:underline dark:text-brand-100">
              {entry.resource.name ?? entry.resource.id}
            </Link>
          ) : (
            (entry.resource.name ?? entry.resource.id ?? '—')
          )}
          {entry.resource.id ? (
            <>
              {' · '}
              <Link
                href={`${base}${toAuditSearch({ resource: entry.resource.type, resourceId: entry.resource.id })}`}
                className="text-brand-700 hover:underline dark:text-brand-100"
              >
                Its history
              </Link>
            </>
          ) : null}
        </dd>
      </dl>

      <h2 className={SECTION}>Changes</h2>
      {entry.changes.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          This entry records no field changes.
        </p>
      ) : (
        <div className="mt-2">
          <AuditChanges changes={entry.changes} names={names} />
        </div>
      )}

      {details.length > 0 ? (
        <>
          <h2 className={SECTION}>Details</h2>
          <dl aria-label="Details" className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[14rem_1fr]">
            {details.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500 dark:text-slate-400">{key}</dt>
                <dd className="break-words">{describeValue(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
    </>
  );
}
