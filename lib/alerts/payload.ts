/**
 * The alert payload, as stored in the outbox and sent as generic JSON (Standard Webhooks shape:
 * `{ type, timestamp, data }`). Slack bodies are rendered from it at send time.
 */
import type { AlertCondition, Severity } from './schemas';

export type AlertEventType = 'alert.firing' | 'alert.resolved' | 'alert.test';

export type AlertMetricEntry = {
  id: string;
  name: string;
  /** Link to the metric's drilldown when APP_URL is set. */
  url: string | null;
  bucketStart: string;
  value: number | null;
  anomaly: {
    id: string;
    severity: Severity;
    direction: 'up' | 'down';
    score: number;
    expected: number;
    lower: number;
    upper: number;
  } | null;
  threshold: number | null;
};

export type AlertPayload = {
  type: AlertEventType;
  timestamp: string;
  data: {
    project: { slug: string; name: string };
    rule: { id: string; name: string; condition: string };
    /** The bucket evaluation stood at; null for a test. */
    bucketStart: string | null;
    metrics: AlertMetricEntry[];
  };
};

/** The rule's condition in words, for payloads and the UI. */
export function describeCondition(condition: AlertCondition, pendingBuckets: number): string {
  const lasting = pendingBuckets > 1 ? ` for ${pendingBuckets} buckets in a row` : '';
  switch (condition.type) {
    case 'anomaly': {
      const direction =
        condition.direction === 'both' ? 'up or down' : condition.direction === 'up' ? 'up' : 'down';
      return `an anomaly of ${condition.minSeverity} severity or more, ${direction}${lasting}`;
    }
    case 'above':
      return `the value is above ${condition.threshold}${lasting}`;
    case 'below':
      return `the value is below ${condition.threshold}${lasting}`;
    default: {
      const never: never = condition;
      return never;
    }
  }
}
