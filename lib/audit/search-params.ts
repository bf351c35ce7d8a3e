import { auditQueryFields, type AuditQuery } from './schemas';

type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

/**
 * Audit-log filters from the URL. Each field is parsed on its own: a malformed value is dropped (that filter is
 * off), never an error page.
 */
export function parseAuditSearchParams(params: RawParams): AuditQuery {
  const read = (key: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const raw = params[key];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  const query: AuditQuery = {};
  for (const [key, schema] of Object.entries(auditQueryFields)) {
    const value = read(key);
    if (value === undefined || value === '') continue;
    const field = schema.safeParse(value);
    if (field.success) Object.assign(query, { [key]: field.data });
  }
  return query;
}

/** The URL query of an audit-log view; filters in a fixed order so equal views have equal URLs. */
export function toAuditSearch(query: Partial<AuditQuery>): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'resource', 'resourceId', 'before'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
