/** Labels and tones for alert rules and deliveries, shared by the list, the form and the deliveries table. Pure. */
import type { Tone } from '@/components/ui/badge';
import type { AlertScope, DeliveryEvent, DeliveryStatus } from '@/lib/alerts/schemas';

export const DELIVERY_STATUS_TONE: Record<DeliveryStatus, Tone> = {
  pending: 'amber',
  delivered: 'green',
  failed: 'red',
};

export const EVENT_LABEL: Record<DeliveryEvent, string> = {
  firing: 'Firing',
  resolved: 'Resolved',
  test: 'Test',
};

export const CHANNEL_LABEL = { slack: 'Slack', webhook: 'Signed webhook' } as const;

/** Instants are shown and entered in UTC, so server and browser render the same text. */
export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  return `${new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

export function describeScope(scope: AlertScope, metricNames: ReadonlyMap<string, string>): string {
  switch (scope.type) {
    case 'all':
      return 'All metrics';
    case 'tags':
      return `Metrics tagged ${scope.tags.join(', ')}`;
    case 'metrics': {
      const names = scope.metricIds.map((id) => metricNames.get(id) ?? 'a deleted metric');
      return names.length <= 3
        ? names.join(', ')
        : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
    }
    default: {
      const never: never = scope;
      return never;
    }
  }
}

/** `YYYY-MM-DDTHH:mm` for a datetime-local input, read as UTC. */
export function toUtcInputValue(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16);
}

export function fromUtcInputValue(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00.000Z` : value;
}
