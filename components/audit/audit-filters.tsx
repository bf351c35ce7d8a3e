import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/input';
import type { AuditFacets, AuditQuery } from '@/lib/audit/schemas';
import { actorName, actorValue, resourceTypeLabel } from './audit-format';

const LABEL = 'mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400';

/** A plain GET form: the filters live in the URL, so a filtered log can be bookmarked and shared. */
export function AuditFilters({
  query,
  facets,
  clearHref,
}: {
  query: AuditQuery;
  facets: AuditFacets;
  clearHref: string;
}) {
  return (
    <form
      method="get"
      role="search"
      aria-label="Filter the audit log"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="w-56">
        <label htmlFor="actor" className={LABEL}>
          Actor
        </label>
        <Select id="actor" name="actor" defaultValue={query.actor ?? ''}>
          <option value="">Anyone</option>
          {facets.actors.map((actor) => (
            <option key={actorValue(actor)} value={actorValue(actor)}>
              {actorName(actor)}
            </option>
          ))}
        </Select>
      </div>
      <div className="w-56">
        <label htmlFor="action" className={LABEL}>
          Action
        </label>
        <Select id="action" name="action" defaultValue={query.action ?? ''}>
          <option value="">Any action</option>
          {facets.actions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </Select>
      </div>
      <div className="w-48">
        <label htmlFor="resource" className={LABEL}>
          Resource
        </label>
        <Select id="resource" name="resource" defaultValue={query.resource ?? ''}>
          <option value="">Any resource</option>
          {facets.resourceTypes.map((type) => (
            <option key={type} value={type}>
              {resourceTypeLabel(type)}
            </option>
          ))}
        </Select>
      </div>
      {query.resourceId ? <input type="hidden" name="resourceId" value={query.resourceId} /> : null}
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      <Link href={clearHref} className="px-1 py-2 text-sm text-slate-600 hover:underline dark:text-slate-400">
        Reset
      </Link>
    </form>
  );
}
