/**
 * Slack-compatible bodies for incoming webhooks: `text` (the notification and fallback) plus one mrkdwn section.
 * Slack URLs are the credential, so there is no signature; the `webhook-id` header still lets a relay dedupe.
 */
import type { AlertMetricEntry, AlertPayload } from '../payload';

const MAX_LISTED = 20;

/** Slack reads &, < and > as markup. */
const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const formatNumber = (n: number | null) =>
  n === null ? 'no value' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(n);

function describeMetric(m: AlertMetricEntry): string {
  const name = m.url ? `<${m.url}|${escape(m.name)}>` : `*${escape(m.name)}*`;
  const parts = [`${name}: ${formatNumber(m.value)}`];
  if (m.anomaly) {
    parts.push(
      `(expected ${formatNumber(m.anomaly.expected)}, normal ${formatNumber(m.anomaly.lower)}–${formatNumber(m.anomaly.upper)}; ${m.anomaly.severity}, ${m.anomaly.direction})`,
    );
  } else if (m.threshold !== null) {
    parts.push(`(threshold ${formatNumber(m.threshold)})`);
  }
  return `• ${parts.join(' ')}`;
}

function headline(payload: AlertPayload): string {
  const rule = escape(payload.data.rule.name);
  switch (payload.type) {
    case 'alert.firing':
      return `:rotating_light: *Firing:* ${rule}`;
    case 'alert.resolved':
      return `:white_check_mark: *Resolved:* ${rule}`;
    case 'alert.test':
      return `:wave: *Test from Sightline:* ${rule}`;
    default: {
      const never: never = payload.type;
      return never;
    }
  }
}

export function renderSlackRequest(
  payload: AlertPayload,
  message: { id: string; timestamp: number },
): { headers: Record<string, string>; body: string } {
  const metrics = payload.data.metrics;
  const listed = metrics.slice(0, MAX_LISTED).map(describeMetric);
  if (metrics.length > MAX_LISTED) listed.push(`…and ${metrics.length - MAX_LISTED} more`);
  const when = payload.data.bucketStart
    ? `\nBucket ${payload.data.bucketStart} · when ${escape(payload.data.rule.condition)}`
    : '';
  const text = `${headline(payload)} (${escape(payload.data.project.name)})${when}${listed.length ? `\n${listed.join('\n')}` : ''}`;
  const body = JSON.stringify({
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': message.id,
      'webhook-timestamp': String(message.timestamp),
    },
  };
}
