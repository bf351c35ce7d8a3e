'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import type { ActionResult } from '@/lib/actions';
import type { AlertPreviewDto, AlertRuleDto, AlertRuleListItem } from '@/lib/alerts/schemas';
import { AlertRuleCard, type AlertRuleCardActions } from './alert-rule-card';
import { AlertRuleForm, type MetricOption } from './alert-rule-form';

type Save = (projectSlug: string, input: unknown) => Promise<ActionResult<AlertRuleDto>>;

export type AlertsViewActions = AlertRuleCardActions & {
  create: Save;
  update: Save;
  preview: (projectSlug: string, input: unknown) => Promise<ActionResult<AlertPreviewDto>>;
};

/** The rules with their states; "New rule" and "Edit" open the form in place. */
export function AlertsView({
  projectSlug,
  rules,
  metrics,
  canEdit,
  now,
  actions,
}: {
  projectSlug: string;
  rules: AlertRuleListItem[];
  metrics: MetricOption[];
  canEdit: boolean;
  now: string;
  actions: AlertsViewActions;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const metricNames = new Map(metrics.map((m) => [m.id, m.name]));
  const done = () => {
    setEditing(null);
    router.refresh();
  };

  return (
    <section aria-labelledby="alert-rules" className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <h2 id="alert-rules" className="text-base font-semibold">
          Rules
        </h2>
        {canEdit && editing !== 'new' ? <Button onClick={() => setEditing('new')}>New rule</Button> : null}
      </div>
      {editing === 'new' ? (
        <AlertRuleForm
          projectSlug={projectSlug}
          metrics={metrics}
          save={actions.create}
          preview={actions.preview}
          onDone={done}
        />
      ) : null}
      {rules.length === 0 ? (
        editing === 'new' ? null : (
          <EmptyState title="No alert rules yet">
            <p>
              A rule sends anomalies or threshold crossings of chosen metrics to Slack or a signed webhook.
            </p>
          </EmptyState>
        )
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {rules.map((rule) =>
            editing === rule.id ? (
              <li key={rule.id} className="p-2">
                <AlertRuleForm
                  projectSlug={projectSlug}
                  rule={rule}
                  metrics={metrics}
                  save={actions.update}
                  preview={actions.preview}
                  onDone={done}
                />
              </li>
            ) : (
              <AlertRuleCard
                key={rule.id}
                projectSlug={projectSlug}
                rule={rule}
                metricNames={metricNames}
                canEdit={canEdit}
                now={now}
                actions={actions}
                onEdit={() => setEditing(rule.id)}
                onChanged={() => router.refresh()}
              />
            ),
          )}
        </ul>
      )}
    </section>
  );
}
