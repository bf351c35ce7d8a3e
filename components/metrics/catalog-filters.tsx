import Link from 'next/link';
import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import type { CatalogFacets } from '@/lib/metrics/catalog-view';
import type { CatalogQuery } from '@/lib/metrics/schemas';
import { isFilteredCatalog, toCatalogSearch } from '@/lib/metrics/search-params';

function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      {children}
    </div>
  );
}

/**
 * A plain GET form: the filters live in the URL, so a filtered catalog can be bookmarked and shared. The sort
 * rides along in hidden fields; applying filters starts again at the first page.
 */
export function CatalogFilters({
  query,
  facets,
  path,
}: {
  query: CatalogQuery;
  facets: CatalogFacets;
  /** The catalog's path, for "Clear filters". */
  path: string;
}) {
  return (
    // Keyed by the URL's state: after a link changes it (Clear filters, a sort), the fields show it afresh.
    <form
      key={toCatalogSearch(query)}
      method="get"
      role="search"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="min-w-56 flex-1">
        <Labelled id="q" label="Search">
          <Input
            id="q"
            name="q"
            type="search"
            placeholder="Name or description"
            defaultValue={query.q ?? ''}
          />
        </Labelled>
      </div>
      <Labelled id="kind" label="Kind">
        <Select id="kind" name="kind" defaultValue={query.kind ?? ''}>
          <option value="">All kinds</option>
          <option value="fact">Fact</option>
          <option value="sql">SQL</option>
          <option value="composition">Composition</option>
        </Select>
      </Labelled>
      <Labelled id="lifecycle" label="Status">
        <Select id="lifecycle" name="lifecycle" defaultValue={query.lifecycle ?? ''}>
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="draft">Draft</option>
          <option value="archived">Archived</option>
        </Select>
      </Labelled>
      <Labelled id="tag" label="Tag">
        <Select id="tag" name="tag" defaultValue={query.tag ?? ''}>
          <option value="">All tags</option>
          {facets.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
      </Labelled>
      <Labelled id="owner" label="Owner">
        <Select id="owner" name="owner" defaultValue={query.owner ?? ''}>
          <option value="">All owners</option>
          {facets.owners.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
          {facets.unowned || query.owner === 'none' ? <option value="none">No owner</option> : null}
        </Select>
      </Labelled>
      <Labelled id="signal" label="Signal">
        <Select id="signal" name="signal" defaultValue={query.signal ?? ''}>
          <option value="">All metrics</option>
          <option value="none">No active anomaly</option>
          <option value="any">Any active anomaly</option>
          <option value="medium">Medium or high</option>
          <option value="high">High only</option>
        </Select>
      </Labelled>
      <div className="flex h-9 items-center gap-2">
        <input
          id="stale"
          name="stale"
          type="checkbox"
          value="1"
          defaultChecked={query.stale === true}
          className="size-4"
        />
        <label htmlFor="stale" className="text-sm">
          Stale only
        </label>
      </div>
      {query.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      {isFilteredCatalog(query) ? (
        <Link
          href={`${path}${toCatalogSearch({ sort: query.sort, dir: query.dir })}`}
          className="py-2 text-sm font-medium text-brand-700 hover:underline dark:text-brand-100"
        >
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
