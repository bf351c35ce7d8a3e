import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import type { CatalogQuery } from '@/lib/metrics/schemas';

/** A plain GET form: the filters live in the URL, so a filtered catalog can be bookmarked and shared. */
export function CatalogFilters({ query, tags }: { query: CatalogQuery; tags: string[] }) {
  return (
    <form method="get" role="search" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="min-w-56 flex-1">
        <label htmlFor="q" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
          Search
        </label>
        <Input id="q" name="q" type="search" placeholder="Name or description" defaultValue={query.q ?? ''} />
      </div>
      <div>
        <label htmlFor="kind" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
          Kind
        </label>
        <Select id="kind" name="kind" defaultValue={query.kind ?? ''}>
          <option value="">All kinds</option>
          <option value="fact">Fact</option>
          <option value="sql">SQL</option>
          <option value="composition">Composition</option>
        </Select>
      </div>
      <div>
        <label
          htmlFor="lifecycle"
          className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400"
        >
          Status
        </label>
        <Select id="lifecycle" name="lifecycle" defaultValue={query.lifecycle ?? ''}>
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="draft">Draft</option>
          <option value="archived">Archived</option>
        </Select>
      </div>
      <div>
        <label htmlFor="tag" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
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
    </form>
  );
}
