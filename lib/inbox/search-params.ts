import { INBOX_DEFAULTS, inboxQueryFields, type InboxQuery } from './schemas';

type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

/**
 * Inbox filters from the URL. Each field is parsed on its own: an unknown or malformed value is dropped so its
 * default applies, never an error page.
 */
export function parseInboxSearchParams(params: RawParams): InboxQuery {
  const read = (key: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const raw = params[key];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  const query: InboxQuery = { ...INBOX_DEFAULTS };
  for (const [key, schema] of Object.entries(inboxQueryFields)) {
    const value = read(key);
    if (value === undefined || value === '') continue;
    const field = schema.safeParse(value);
    if (field.success) Object.assign(query, { [key]: field.data });
  }
  return query;
}

/** The URL query of an inbox view, keeping only what differs from the defaults. */
export function toInboxSearch(query: Partial<InboxQuery>): string {
  const params = new URLSearchParams();
  if (query.status && query.status !== INBOX_DEFAULTS.status) params.set('status', query.status);
  if (query.severity && query.severity !== INBOX_DEFAULTS.severity) params.set('severity', query.severity);
  if (query.metric) params.set('metric', query.metric);
  if (query.tag) params.set('tag', query.tag);
  if (query.scope && query.scope !== INBOX_DEFAULTS.scope) params.set('scope', query.scope);
  if (query.before) params.set('before', query.before);
  const text = params.toString();
  return text ? `?${text}` : '';
}
