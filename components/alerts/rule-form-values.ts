/** The alert-rule form's flat fields and their mapping to and from the schema's unions. Pure, client-safe. */
import type { AlertRuleDto } from '@/lib/alerts/schemas';
import { fromUtcInputValue, toUtcInputValue } from './alert-format';

/** Flat fields for the inputs; `toInput` builds the schema's unions from them. */
export type AlertRuleFormFields = {
  name: string;
  enabled: boolean;
  scopeType: 'all' | 'tags' | 'metrics';
  tags: string;
  metricIds: string[];
  conditionType: 'anomaly' | 'above' | 'below';
  minSeverity: 'low' | 'medium' | 'high';
  direction: 'up' | 'down' | 'both';
  threshold: string;
  pendingBuckets: string;
  channelType: 'slack' | 'webhook';
  url: string;
  signingSecret: string;
  muteWindows: { startsAt: string; endsAt: string }[];
};

export function toDefaults(rule: AlertRuleDto | undefined): AlertRuleFormFields {
  const condition = rule?.condition ?? { type: 'anomaly', minSeverity: 'medium', direction: 'both' };
  const scope = rule?.scope ?? { type: 'all' };
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    scopeType: scope.type,
    tags: scope.type === 'tags' ? scope.tags.join(', ') : '',
    metricIds: scope.type === 'metrics' ? scope.metricIds : [],
    conditionType: condition.type,
    minSeverity: condition.type === 'anomaly' ? condition.minSeverity : 'medium',
    direction: condition.type === 'anomaly' ? condition.direction : 'both',
    threshold: condition.type === 'anomaly' ? '' : String(condition.threshold),
    pendingBuckets: String(rule?.pendingBuckets ?? 1),
    channelType: rule?.channel.type ?? 'webhook',
    url: '',
    signingSecret: '',
    muteWindows: (rule?.muteWindows ?? []).map((w) => ({
      startsAt: toUtcInputValue(w.startsAt),
      endsAt: toUtcInputValue(w.endsAt),
    })),
  };
}

export const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

export function toScope(f: AlertRuleFormFields) {
  switch (f.scopeType) {
    case 'all':
      return { type: 'all' };
    case 'tags':
      return {
        type: 'tags',
        tags: f.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      };
    case 'metrics': {
      // react-hook-form gives a lone checkbox's value as a string (or false), several as an array.
      const picked: unknown = f.metricIds;
      const metricIds = Array.isArray(picked) ? picked : typeof picked === 'string' ? [picked] : [];
      return { type: 'metrics', metricIds };
    }
  }
}

export function toCondition(f: AlertRuleFormFields) {
  return f.conditionType === 'anomaly'
    ? { type: 'anomaly', minSeverity: f.minSeverity, direction: f.direction }
    : { type: f.conditionType, threshold: toNumber(f.threshold) };
}

export function toInput(f: AlertRuleFormFields) {
  return {
    name: f.name,
    enabled: f.enabled,
    scope: toScope(f),
    condition: toCondition(f),
    pendingBuckets: toNumber(f.pendingBuckets),
    channel:
      f.channelType === 'slack'
        ? { type: 'slack', url: f.url }
        : { type: 'webhook', url: f.url, signingSecret: f.signingSecret },
    muteWindows: f.muteWindows.map((w) => ({
      startsAt: fromUtcInputValue(w.startsAt),
      endsAt: fromUtcInputValue(w.endsAt),
    })),
  };
}

/** Where a schema path (`condition.threshold`) shows on this flat form. */
export function placeAt(path: string): string | null {
  if (path === 'name' || path === 'pendingBuckets') return path;
  if (path.startsWith('scope.tags') || path === 'scope') return 'tags';
  if (path.startsWith('scope.metricIds')) return 'metricIds';
  if (path === 'condition.threshold') return 'threshold';
  if (path === 'condition.minSeverity') return 'minSeverity';
  if (path === 'condition.direction') return 'direction';
  if (path === 'channel.url') return 'url';
  if (path === 'channel.signingSecret') return 'signingSecret';
  if (/^muteWindows\.\d+\.(startsAt|endsAt)$/.test(path)) return path;
  return null;
}

/** 32 random bytes in the Standard Webhooks `whsec_` form, made in the browser so the server never shows it. */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
