/** The 30-day preview of a rule: the live state machine replayed over stored history. Writes nothing. */
import { requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { isInScope, mergeFacts, replayFirings } from './match';
import { listAlertableMetrics, listAnomaliesInWindow, listMetricValuesInWindow } from './queries';
import { alertRulePreviewInputSchema, PREVIEW_DAYS, type AlertPreviewDto } from './schemas';

const DAY_MS = 86_400_000;
const PREVIEW_MAX_METRICS = 200;

/**
 * How often the rule would have fired over the last PREVIEW_DAYS: the live state machine replayed bucket by
 * bucket over the stored series and anomalies of every metric in scope (snoozes and mute windows aside).
 */
export async function previewRule({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<AlertPreviewDto> {
  requireRole(ctx, 'viewer');
  const rule = parseInput(alertRulePreviewInputSchema, input);
  const now = ctx.now();
  const inScope = (await listAlertableMetrics(ctx.db, { projectId: ctx.project.id })).filter((m) =>
    isInScope(rule.scope, m),
  );
  const replayed = inScope.slice(0, PREVIEW_MAX_METRICS);
  const metricIds = replayed.map((m) => m.id);
  const window = { metricIds, start: new Date(now.getTime() - PREVIEW_DAYS * DAY_MS), end: now };
  const values = await listMetricValuesInWindow(ctx.db, window);
  const found = rule.condition.type === 'anomaly' ? await listAnomaliesInWindow(ctx.db, window) : [];
  const perMetric = replayed
    .map((metric) => {
      const newestFirst = mergeFacts(
        values.filter((v) => v.metricId === metric.id),
        found.filter((a) => a.metricId === metric.id),
      );
      return {
        metricId: metric.id,
        metricName: metric.name,
        firings: replayFirings(rule, newestFirst.reverse()),
      };
    })
    .filter((m) => m.firings > 0)
    .sort((a, b) => b.firings - a.firings || a.metricName.localeCompare(b.metricName));
  return {
    days: PREVIEW_DAYS,
    total: perMetric.reduce((sum, m) => sum + m.firings, 0),
    metricsInScope: inScope.length,
    metricsReplayed: replayed.length,
    perMetric,
  };
}
