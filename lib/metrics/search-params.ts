import { catalogQuerySchema, type CatalogQuery, type CatalogSort, type SortDirection } from './schemas';

const STRING_KEYS = ['q', 'kind', 'lifecycle', 'tag', 'owner', 'signal', 'sort', 'dir', 'page'] as const;

/** The direction a column sorts in when it is picked: names A→Z, everything else largest or newest first. */
export const DEFAULT_SORT_DIRECTION: Record<CatalogSort, SortDirection> = {
  name: 'asc',
  change: 'desc',
  signal: 'desc',
  collected: 'desc',
};

/** Catalog filters, sort and page from the URL. An unknown or malformed value is dropped, never an error page. */
export function parseCatalogSearchParams(
  params: Record<string, string | string[] | undefined>,
): CatalogQuery {
  const query: CatalogQuery = {};
  const first = (key: string) => {
    const raw = params[key];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  for (const key of STRING_KEYS) {
    const value = first(key);
    if (!value) continue;
    const field = catalogQuerySchema.shape[key].safeParse(value);
    if (field.success && field.data !== undefined) Object.assign(query, { [key]: field.data });
  }
  if (first('stale') === '1') query.stale = true;
  return query;
}

/** True when anything narrows the list (sort and page only arrange it). */
export function isFilteredCatalog(query: CatalogQuery): boolean {
  return Boolean(
    query.q || query.kind || query.lifecycle || query.tag || query.owner || query.signal || query.stale,
  );
}

/** The sort in effect: the URL's, or by name. */
export function catalogSortOf(query: CatalogQuery): { sort: CatalogSort; dir: SortDirection } {
  const sort = query.sort ?? 'name';
  return { sort, dir: query.dir ?? DEFAULT_SORT_DIRECTION[sort] };
}

/** The query string for a catalog state ("" or "?…"), keys in a stable order; defaults are left out. */
export function toCatalogSearch(query: CatalogQuery): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'kind', 'lifecycle', 'tag', 'owner', 'signal'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.stale) params.set('stale', '1');
  const { sort, dir } = catalogSortOf(query);
  if (query.sort && sort !== 'name') params.set('sort', sort);
  if (query.sort && dir !== DEFAULT_SORT_DIRECTION[sort]) {
    params.set('sort', sort);
    params.set('dir', dir);
  }
  if (query.page && query.page > 1) params.set('page', String(query.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The state a click on a column header leads to: that column, flipped if it is already the sort; page 1. */
export function sortedBy(query: CatalogQuery, column: CatalogSort): CatalogQuery {
  const current = catalogSortOf(query);
  const dir =
    current.sort === column ? (current.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_SORT_DIRECTION[column];
  return { ...query, sort: column, dir, page: undefined };
}
