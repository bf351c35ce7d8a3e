'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Select } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import { describeCondition } from '@/lib/alerts/payload';
import type { AlertRuleDto, AlertRuleListItem, SendTestResult } from '@/lib/alerts/schemas';
import { CHANNEL_LABEL, describeScope, formatInstant } from './alert-format';

type RuleAction<T> = (projectSlug: string, input: unknown) => Promise<ActionResult<T>>;

export type AlertRuleCardActions = {
  remove: RuleAction<{ id: string }>;
  snooze: RuleAction<AlertRuleDto>;
  unsnooze: RuleAction<AlertRuleDto>;
  test: RuleAction<SendTestResult>;
};

const SNOOZE_CHOICES = [
  { hours: 1, label: '1 hour' },
  { hours: 4, label: '4 hours' },
  { hours: 24, label: '1 day' },
  { hours: 24 * 7, label: '1 week' },
];

/** One rule: what it watches, where it sends, its current states, and the editor's controls. */
export function AlertRuleCard({
  projectSlug,
  rule,
  metricNames,
  canEdit,
  now,
  actions,
  onEdit,
  onChanged,
}: {
  projectSlug: string;
  rule: AlertRuleListItem;
  metricNames: ReadonlyMap<string, string>;
  canEdit: boolean;
  /** The render time from the server, so snooze badges read the same on server and client. */
  now: string;
  actions: AlertRuleCardActions;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; title: string; body?: string } | null>(
    null,
  );
  const [snoozeHours, setSnoozeHours] = useState('1');
  const snoozed = rule.snoozedUntil !== null && Date.parse(rule.snoozedUntil) > Date.parse(now);
  const firing = rule.states.filter((s) => s.state === 'firing');
  const waiting = rule.states.filter((s) => s.state === 'pending');
  const headingId = `rule-${rule.id}-name`;

  async function run<T>(label: string, call: () => Promise<ActionResult<T>>, done: (data: T) => void) {
    setPending(label);
    setMessage(null);
    try {
      const result = await call();
      if (result.ok) done(result.data);
      else setMessage({ tone: 'error', title: result.message });
    } finally {
      setPending(null);
    }
  }

  const onTest = () =>
    run(
      'test',
      () => actions.test(projectSlug, { id: rule.id }),
      (result) => {
        setMessage(
          result.ok
            ? { tone: 'success', title: `Test delivered: ${result.statusCode} in ${result.latencyMs} ms` }
            : { tone: 'error', title: 'Test not delivered', body: result.error },
        );
        onChanged();
      },
    );

  const onSnooze = () =>
    run(
      'snooze',
      () =>
        actions.snooze(projectSlug, {
          id: rule.id,
          until: new Date(Date.now() + Number(snoozeHours) * 3_600_000).toISOString(),
        }),
      onChanged,
    );

  return (
    <li aria-labelledby={headingId} className="space-y-3 px-4 py-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <h3 id={headingId} className="font-medium">
            {rule.name}
          </h3>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {describeScope(rule.scope, metricNames)} · when{' '}
            {describeCondition(rule.condition, rule.pendingBuckets)}
          </p>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {CHANNEL_LABEL[rule.channel.type]} to{' '}
            <span className="font-mono text-xs">{rule.channel.urlMask}</span>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {!rule.enabled ? <Badge>disabled</Badge> : null}
          {snoozed ? <Badge tone="amber">snoozed until {formatInstant(rule.snoozedUntil)}</Badge> : null}
          {firing.length > 0 ? <Badge tone="red">firing: {firing.length}</Badge> : null}
          {waiting.length > 0 ? <Badge tone="amber">pending: {waiting.length}</Badge> : null}
          {rule.enabled && firing.length === 0 && waiting.length === 0 ? (
            <Badge tone="green">ok</Badge>
          ) : null}
        </div>
      </div>
      {firing.length > 0 ? (
        <ul className="text-sm" aria-label={`Firing metrics of ${rule.name}`}>
          {firing.map((s) => (
            <li key={s.metricId}>
              {s.metricName}{' '}
              <span className="text-slate-500 dark:text-slate-400">since {formatInstant(s.since)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="secondary" onClick={onEdit} disabled={pending !== null}>
            Edit
          </Button>
          <Button variant="secondary" onClick={() => void onTest()} disabled={pending !== null}>
            {pending === 'test' ? 'Sending…' : 'Send test'}
          </Button>
          {snoozed ? (
            <Button
              variant="secondary"
              disabled={pending !== null}
              onClick={() =>
                void run('unsnooze', () => actions.unsnooze(projectSlug, { id: rule.id }), onChanged)
              }
            >
              Unsnooze
            </Button>
          ) : (
            <span className="flex items-center gap-1">
              <Select
                aria-label={`Snooze ${rule.name} for`}
                className="w-28"
                value={snoozeHours}
                onChange={(e) => setSnoozeHours(e.target.value)}
              >
                {SNOOZE_CHOICES.map((c) => (
                  <option key={c.hours} value={String(c.hours)}>
                    {c.label}
                  </option>
                ))}
              </Select>
              <Button variant="secondary" onClick={() => void onSnooze()} disabled={pending !== null}>
                Snooze
              </Button>
            </span>
          )}
          <ConfirmDialog
            triggerLabel="Delete"
            title={`Delete ${rule.name}?`}
            confirmLabel="Delete"
            disabled={pending !== null}
            onConfirm={() =>
              void run('delete', () => actions.remove(projectSlug, { id: rule.id }), onChanged)
            }
          >
            Its states and delivery log are deleted with it; pending deliveries are not sent.
          </ConfirmDialog>
        </div>
      ) : null}
      {message ? (
        <Alert tone={message.tone} title={message.title}>
          {message.body}
        </Alert>
      ) : null}
    </li>
  );
}
