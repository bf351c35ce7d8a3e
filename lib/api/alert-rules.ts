/**
 * PATCH of an alert rule: the stored rule with the given fields replaced. The stored webhook URL and signing
 * secret are never read here: a channel without them keeps the stored ones.
 */
import type { z } from 'zod';
import { getAlertRule, updateAlertRule } from '@/lib/alerts/service';
import type { AlertRuleDto } from '@/lib/alerts/schemas';
import { requireRole, type ServiceContext } from '@/lib/context';
import type { alertRulePatchBodySchema } from './schemas';

export async function patchAlertRule({
  ctx,
  ruleId,
  patch,
}: {
  ctx: ServiceContext;
  ruleId: string;
  patch: z.input<typeof alertRulePatchBodySchema>;
}): Promise<AlertRuleDto> {
  requireRole(ctx, 'editor');
  const current = await getAlertRule({ ctx, input: { id: ruleId } });
  return updateAlertRule({
    ctx,
    input: {
      name: current.name,
      enabled: current.enabled,
      scope: current.scope,
      condition: current.condition,
      pendingBuckets: current.pendingBuckets,
      channel: { type: current.channel.type },
      muteWindows: current.muteWindows,
      ...patch,
      id: ruleId,
    },
  });
}
