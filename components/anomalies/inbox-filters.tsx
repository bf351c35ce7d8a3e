import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/input';
import type { InboxQuery } from '@/lib/inbox/schemas';

const LABEL = 'mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400';

/** A plain GET form: the filters live in the URL, so a filtered inbox can be bookmarked and shared. */
export function InboxFilters({
  query,
  metrics,
  tags,
  clearHref,
}: {
  query: InboxQuery;
  metrics: { id: string; name: string }[];
  tags: string[];
  clearHref: string;
}) {
  return (
    <form
      method="get"
      role="search"
      aria-label="Filter anomalies"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="w-40">
        <label htmlFor="status" className={LABEL}>
          Status
        </label>
        <Select id="status" name="status" defaultValue={query.status}>
          <option value="all">All statuses</option>
          <option value="active">Active</option>
          <option value="resolved">Resolved</option>
        </Select>
      </div>
      <div className="w-40">
        <label htmlFor="severity" className={LABEL}>
          Severity
        </label>
        <Select id="severity" name="severity" defaultValue={query.severity}>
          <option value="low">Any severity</option>
          <option value="medium">Medium or high</option>
          <option value="high">High</option>
        </Select>
      </div>
      <div className="w-44">
        <label htmlFor="scope" className={LABEL}>
          Series
        </label>
        <Select id="scope" name="scope" defaultValue={query.scope}>
          <option value="metric">Whole metrics</option>
          <option value="breakdowns">Breakdown values</option>
          <option value="all">Both</option>
        </Select>
      </div>
      <div className="w-56">
        <label htmlFor="metric" className={LABEL}>
          Metric
        </label>
        <Select id="metric" name="metric" defaultValue={query.metric ?? ''}>
          <option value="">All metrics</option>
          {metrics.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </Select>
      </div>
      <div className="w-36">
        <label htmlFor="tag" className={LABEL}>
          Tag
        </label>
        <Select id="tag" name="tag" defaultValue={query.tag ?? ''}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      <Link href={clearHref} className="px-1 py-2 text-sm text-slate-600 hover:underline dark:text-slate-400">
        Reset
      </Link>
    </form>
  );
}
