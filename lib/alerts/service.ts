/**
 * Alert-rule verbs: list, get, create, update, delete, snooze, unsnooze; send-test.ts and preview-rule.ts hold
 * the other two. The webhook URL and signing secret are encrypted under the rule id before they reach the
 * database and decrypted only to send; everything returned or audited shows the target host and a mask. The
 * outbound guard runs on save here and again before every send (lib/alerts/send.ts).
 */
import { randomUUID } from 'node:crypto';
import { emitAudit } from '@/lib/audit/service';
import { actorUserId, requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { OutboundTargetError, type OutboundDeps } from '@/lib/net/outbound-guard';
import {
  deleteAlertRuleRow,
  getAlertRuleInProject,
  insertAlertRule,
  listAlertRulesInProject,
  listMetricIdsInProject,
  listRecentDeliveries,
  listStatesOfRules,
  updateAlertRuleRow,
  type AlertRuleRow,
} from './queries';
import { toCondition, toRuleColumns, toScope } from './rule-model';
import {
  alertRuleIdInputSchema,
  alertRuleInputSchema,
  MAX_SNOOZE_DAYS,
  snoozeAlertRuleInputSchema,
  updateAlertRuleInputSchema,
  type AlertDeliveryDto,
  type AlertRuleDto,
  type AlertRuleListItem,
  type AlertScope,
} from './schemas';
import {
  checkWebhookTarget,
  decryptRuleSecrets,
  encryptRuleSecrets,
  hasSigningSecret,
  maskUrl,
  targetHostOf,
} from './target';

export type AlertDeps = { outbound?: OutboundDeps; fetchImpl?: typeof fetch; timeoutMs?: number };
type Verb = { ctx: ServiceContext; input: unknown; deps?: AlertDeps };

const DAY_MS = 86_400_000;
const RECENT_DELIVERIES = 50;

const resource = (id: string) => ({ type: 'alert_rule', id });

const fieldError = (path: string, message: string) =>
  new AppError('validation', 'Some fields need attention.', { fieldErrors: { [path]: message } });

export function toAlertRuleDto(row: AlertRuleRow): AlertRuleDto {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    scope: toScope(row),
    condition: toCondition(row),
    pendingBuckets: row.pendingBuckets,
    channel: {
      type: row.channel,
      targetHost: row.targetHost,
      urlMask: maskUrl(row.targetHost),
      signingSecretSet: hasSigningSecret(row.secrets),
    },
    snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
    muteWindows: row.muteWindows,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listAlertRules({ ctx }: { ctx: ServiceContext }): Promise<AlertRuleListItem[]> {
  requireRole(ctx, 'viewer');
  const rows = await listAlertRulesInProject(ctx.db, { projectId: ctx.project.id });
  const states = await listStatesOfRules(ctx.db, { ruleIds: rows.map((r) => r.id) });
  return rows.map((row) => ({
    ...toAlertRuleDto(row),
    states: states
      .filter((s) => s.ruleId === row.id)
      .map((s) => ({
        metricId: s.metricId,
        metricName: s.metricName,
        state: s.state,
        since: s.since.toISOString(),
      })),
  }));
}

export async function getAlertRule({ ctx, input }: Verb): Promise<AlertRuleDto> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(alertRuleIdInputSchema, input);
  return toAlertRuleDto(await getAlertRuleInProject(ctx.db, { projectId: ctx.project.id, ruleId: id }));
}

export async function createAlertRule({ ctx, input, deps = {} }: Verb): Promise<AlertRuleDto> {
  requireRole(ctx, 'editor');
  const fields = parseInput(alertRuleInputSchema, input);
  const url = fields.channel.url;
  if (url === undefined) throw fieldError('channel.url', 'Enter the webhook URL.');
  const signingSecret = fields.channel.type === 'webhook' ? fields.channel.signingSecret : undefined;
  if (fields.channel.type === 'webhook' && signingSecret === undefined) {
    throw fieldError(
      'channel.signingSecret',
      'Enter a signing secret: the receiver checks signatures with it.',
    );
  }
  await checkTargetField(url, deps.outbound);
  await assertScopeInProject(ctx, fields.scope);
  // The id is part of each secret's associated data, so it must exist before anything is encrypted.
  const id = randomUUID();
  return withTransaction(ctx, async (tx) => {
    const row = await insertAlertRule(tx.db, {
      id,
      projectId: ctx.project.id,
      ...toRuleColumns(fields),
      secrets: encryptRuleSecrets(id, { url, signingSecret }, {}),
      targetHost: targetHostOf(url),
      createdBy: actorUserId(ctx.actor),
    });
    const after = toAlertRuleDto(row);
    await emitAudit(tx, { action: 'alert_rule.create', resource: resource(id), after });
    return after;
  });
}

/** An empty URL or signing secret keeps the stored one; the stored URL is checked by the guard again anyway. */
export async function updateAlertRule({ ctx, input, deps = {} }: Verb): Promise<AlertRuleDto> {
  requireRole(ctx, 'editor');
  const { id, ...fields } = parseInput(updateAlertRuleInputSchema, input);
  const projectId = ctx.project.id;
  const stored = await getAlertRuleInProject(ctx.db, { projectId, ruleId: id });
  const newUrl = fields.channel.url;
  let url = newUrl;
  if (url === undefined) {
    try {
      url = decryptRuleSecrets(stored).url;
    } catch (error) {
      if (error instanceof AppError) throw fieldError('channel.url', error.message);
      throw error;
    }
  }
  let signingSecret: string | null | undefined;
  if (fields.channel.type === 'webhook') {
    signingSecret = fields.channel.signingSecret;
    if (signingSecret === undefined && !hasSigningSecret(stored.secrets)) {
      throw fieldError(
        'channel.signingSecret',
        'Enter a signing secret: the receiver checks signatures with it.',
      );
    }
  } else {
    // Slack URLs carry their own credential; a leftover signing secret would only be one more secret to keep.
    signingSecret = null;
  }
  await checkTargetField(url, deps.outbound);
  await assertScopeInProject(ctx, fields.scope);
  return withTransaction(ctx, async (tx) => {
    const beforeRow = await getAlertRuleInProject(tx.db, { projectId, ruleId: id, lock: true });
    const row = await updateAlertRuleRow(tx.db, {
      projectId,
      ruleId: id,
      values: {
        ...toRuleColumns(fields),
        secrets: encryptRuleSecrets(id, { url: newUrl, signingSecret }, beforeRow.secrets),
        targetHost: targetHostOf(url),
      },
    });
    const before = toAlertRuleDto(beforeRow);
    const after = toAlertRuleDto(row);
    await emitAudit(tx, {
      action: 'alert_rule.update',
      resource: resource(id),
      before,
      after,
      metadata: { urlChanged: newUrl !== undefined, signingSecretChanged: typeof signingSecret === 'string' },
    });
    return after;
  });
}

export async function deleteAlertRule({ ctx, input }: Verb): Promise<{ id: string }> {
  requireRole(ctx, 'editor');
  const { id } = parseInput(alertRuleIdInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const row = await getAlertRuleInProject(tx.db, { projectId, ruleId: id, lock: true });
    await deleteAlertRuleRow(tx.db, { projectId, ruleId: id });
    await emitAudit(tx, { action: 'alert_rule.delete', resource: resource(id), before: toAlertRuleDto(row) });
    return { id };
  });
}

/** Silences the rule until `until`: no evaluation, so a condition still true afterwards fires then. */
export async function snoozeAlertRule({ ctx, input }: Verb): Promise<AlertRuleDto> {
  requireRole(ctx, 'editor');
  const { id, until } = parseInput(snoozeAlertRuleInputSchema, input);
  const untilDate = new Date(until);
  const now = ctx.now();
  if (untilDate.getTime() <= now.getTime()) throw fieldError('until', 'Pick a time in the future.');
  if (untilDate.getTime() > now.getTime() + MAX_SNOOZE_DAYS * DAY_MS) {
    throw fieldError('until', `Snooze for at most ${MAX_SNOOZE_DAYS} days; disable the rule for longer.`);
  }
  return setSnooze(ctx, { id, until: untilDate, action: 'alert_rule.snooze' });
}

export async function unsnoozeAlertRule({ ctx, input }: Verb): Promise<AlertRuleDto> {
  requireRole(ctx, 'editor');
  const { id } = parseInput(alertRuleIdInputSchema, input);
  return setSnooze(ctx, { id, until: null, action: 'alert_rule.unsnooze' });
}

async function setSnooze(
  ctx: ServiceContext,
  { id, until, action }: { id: string; until: Date | null; action: string },
): Promise<AlertRuleDto> {
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const beforeRow = await getAlertRuleInProject(tx.db, { projectId, ruleId: id, lock: true });
    const row = await updateAlertRuleRow(tx.db, { projectId, ruleId: id, values: { snoozedUntil: until } });
    const after = toAlertRuleDto(row);
    await emitAudit(tx, {
      action,
      resource: resource(id),
      before: { snoozedUntil: beforeRow.snoozedUntil?.toISOString() ?? null },
      after: { snoozedUntil: after.snoozedUntil },
    });
    return after;
  });
}

export async function listAlertDeliveries({ ctx }: { ctx: ServiceContext }): Promise<AlertDeliveryDto[]> {
  requireRole(ctx, 'viewer');
  const rows = await listRecentDeliveries(ctx.db, { projectId: ctx.project.id, limit: RECENT_DELIVERIES });
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    metricNames: metricNamesOf(r.payload),
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  }));
}

function metricNamesOf(payload: Record<string, unknown>): string[] {
  const data = payload.data as { metrics?: unknown } | undefined;
  if (!Array.isArray(data?.metrics)) return [];
  return data.metrics.flatMap((m: unknown) =>
    m && typeof m === 'object' && typeof (m as { name?: unknown }).name === 'string'
      ? [(m as { name: string }).name]
      : [],
  );
}

async function checkTargetField(url: string, outbound: OutboundDeps | undefined): Promise<void> {
  try {
    await checkWebhookTarget(url, outbound);
  } catch (error) {
    if (error instanceof OutboundTargetError) {
      throw new AppError('validation', error.message, {
        fieldErrors: { 'channel.url': error.message },
        cause: error,
      });
    }
    throw error;
  }
}

/** Listed metrics must be this project's: another project's id reads as unknown, never as a leak. */
async function assertScopeInProject(ctx: ServiceContext, scope: AlertScope): Promise<void> {
  if (scope.type !== 'metrics') return;
  const found = new Set(
    await listMetricIdsInProject(ctx.db, { projectId: ctx.project.id, metricIds: scope.metricIds }),
  );
  const index = scope.metricIds.findIndex((metricId) => !found.has(metricId));
  if (index !== -1) throw fieldError(`scope.metricIds.${index}`, 'Unknown metric.');
}
