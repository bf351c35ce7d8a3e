/** Words and links for audit entries, shared by the log and the entry page. Pure. */
import type { AuditActor, AuditEntryDto } from '@/lib/audit/schemas';

const SYSTEM_JOBS: Record<string, string> = {
  cron: 'Scheduled tick',
  cli: 'Command line',
  seed: 'Demo seed',
  worker: 'Background worker',
};

export function actorName(actor: AuditActor): string {
  if (actor.type === 'system') return SYSTEM_JOBS[actor.id] ?? actor.label;
  if (actor.type === 'token') return `API token ${actor.label}`;
  return actor.label;
}

export const actorValue = (actor: AuditActor) => `${actor.type}:${actor.id}`;

const RESOURCE_LABEL: Record<string, string> = {
  metric: 'Metric',
  fact_table: 'Fact table',
  data_source: 'Data source',
  alert_rule: 'Alert rule',
  anomaly: 'Anomaly',
  collection_run: 'Collection run',
  project: 'Project',
  api_token: 'API token',
  member: 'Member',
};

export function resourceTypeLabel(type: string): string {
  return RESOURCE_LABEL[type] ?? type.replace(/_/g, ' ');
}

/**
 * Where a resource lives in the app, when it has a page. Deleted resources have none: their entry is all that
 * is left of them.
 */
export function resourceHref(
  projectSlug: string,
  entry: Pick<AuditEntryDto, 'action' | 'resource'>,
): string | null {
  const { type, id } = entry.resource;
  if (!id || entry.action.endsWith('.delete')) return null;
  const base = `/p/${projectSlug}`;
  switch (type) {
    case 'metric':
      return `${base}/metrics/${id}`;
    case 'fact_table':
      return `${base}/fact-tables/${id}`;
    case 'data_source':
      return `${base}/sources/${id}`;
    case 'alert_rule':
      return `${base}/alerts`;
    case 'collection_run':
      return `${base}/runs/${id}`;
    case 'anomaly':
      return `${base}/anomalies/${id}`;
    default:
      return null;
  }
}

/** A value of a field diff in words. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(describeValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatAuditTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(new Date(iso));
}
