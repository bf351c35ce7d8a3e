import { seriesQueryFields, type SeriesQuery } from './schemas';

type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

/**
 * Drilldown and export options from the URL. Each field is parsed on its own: an unknown or malformed value
 * is dropped so its default applies, never an error page.
 */
export function parseSeriesSearchParams(params: RawParams): SeriesQuery {
  const read = (key: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const raw = params[key];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  const query: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(seriesQueryFields)) {
    const value = read(key);
    if (value === undefined || value === '') continue;
    const field = schema.safeParse(value);
    if (field.success) query[key] = field.data;
  }
  return query as SeriesQuery;
}

/** The URL query of a series view, keeping only what differs from the defaults. */
export function toSeriesSearch(query: SeriesQuery): string {
  const params = new URLSearchParams();
  if (query.range) params.set('range', query.range);
  if (query.range === 'custom' && query.from && query.to) {
    params.set('from', query.from);
    params.set('to', query.to);
  }
  if (query.ma) params.set('ma', String(query.ma));
  if (query.trail) params.set('trail', String(query.trail));
  if (query.compare) params.set('compare', query.compare);
  if (query.top) params.set('top', String(query.top));
  if (query.breakdown) params.set('breakdown', query.breakdown);
  const text = params.toString();
  return text ? `?${text}` : '';
}
