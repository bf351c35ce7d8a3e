/**
 * Between the stored columns of alert_rules and the schema shapes (scope and condition unions). Stored rows are
 * read back through the schemas, so a row the union cannot describe fails loudly instead of alerting wrongly.
 */
import type { AlertRuleRow } from './queries';
import {
  alertConditionSchema,
  alertScopeSchema,
  type AlertCondition,
  type AlertRuleInput,
  type AlertScope,
  type MuteWindow,
} from './schemas';

export type RuleModel = {
  id: string;
  name: string;
  scope: AlertScope;
  condition: AlertCondition;
  pendingBuckets: number;
  snoozedUntil: Date | null;
  muteWindows: MuteWindow[];
};

export function toScope(row: Pick<AlertRuleRow, 'scope' | 'scopeTags' | 'scopeMetricIds'>): AlertScope {
  switch (row.scope) {
    case 'all':
      return { type: 'all' };
    case 'tags':
      return alertScopeSchema.parse({ type: 'tags', tags: row.scopeTags });
    case 'metrics':
      return alertScopeSchema.parse({ type: 'metrics', metricIds: row.scopeMetricIds });
    default: {
      const never: never = row.scope;
      throw new Error(`Unknown alert scope ${String(never)}`);
    }
  }
}

export function toCondition(
  row: Pick<AlertRuleRow, 'condition' | 'minSeverity' | 'direction' | 'threshold'>,
): AlertCondition {
  switch (row.condition) {
    case 'anomaly':
      return { type: 'anomaly', minSeverity: row.minSeverity, direction: row.direction };
    case 'above':
    case 'below':
      return alertConditionSchema.parse({ type: row.condition, threshold: row.threshold });
    default: {
      const never: never = row.condition;
      throw new Error(`Unknown alert condition ${String(never)}`);
    }
  }
}

export function toRuleModel(row: AlertRuleRow): RuleModel {
  return {
    id: row.id,
    name: row.name,
    scope: toScope(row),
    condition: toCondition(row),
    pendingBuckets: row.pendingBuckets,
    snoozedUntil: row.snoozedUntil,
    muteWindows: row.muteWindows,
  };
}

/** The columns a rule input sets (secrets and target host aside). */
export function toRuleColumns(
  input: Omit<AlertRuleInput, 'channel'> & { channel: { type: 'slack' | 'webhook' } },
) {
  const scope = input.scope;
  const condition = input.condition;
  return {
    name: input.name,
    enabled: input.enabled,
    scope: scope.type,
    scopeTags: scope.type === 'tags' ? scope.tags : [],
    scopeMetricIds: scope.type === 'metrics' ? scope.metricIds : [],
    condition: condition.type,
    minSeverity: condition.type === 'anomaly' ? condition.minSeverity : ('medium' as const),
    direction: condition.type === 'anomaly' ? condition.direction : ('both' as const),
    threshold: condition.type === 'anomaly' ? null : condition.threshold,
    pendingBuckets: input.pendingBuckets,
    channel: input.channel.type,
    muteWindows: input.muteWindows.map((w) => ({
      startsAt: new Date(w.startsAt).toISOString(),
      endsAt: new Date(w.endsAt).toISOString(),
    })),
  };
}
