import { catalogQuerySchema, type CatalogQuery } from './schemas';

/** Catalog filters from the URL. An unknown or malformed value is dropped, never an error page. */
export function parseCatalogSearchParams(
  params: Record<string, string | string[] | undefined>,
): CatalogQuery {
  const query: CatalogQuery = {};
  for (const key of ['q', 'kind', 'lifecycle', 'tag'] as const) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const field = catalogQuerySchema.shape[key].safeParse(value);
    if (field.success && field.data !== undefined) Object.assign(query, { [key]: field.data });
  }
  return query;
}
