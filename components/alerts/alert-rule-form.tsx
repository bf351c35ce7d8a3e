'use client';

import { useEffect, useRef, useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { FormProblem, type FormProblemValue } from '@/components/forms/form-problem';
import { applyServerFieldErrors, errorAt } from '@/components/forms/server-errors';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import {
  alertRuleInputSchema,
  alertRulePreviewInputSchema,
  MAX_PENDING_BUCKETS,
  type AlertPreviewDto,
  type AlertRuleDto,
} from '@/lib/alerts/schemas';
import { toFieldErrors } from '@/lib/errors';
import { AlertPreview, type AlertPreviewState } from './alert-preview';
import {
  generateSecret,
  placeAt,
  toCondition,
  toDefaults,
  toInput,
  toNumber,
  toScope,
  type AlertRuleFormFields,
} from './rule-form-values';

export type MetricOption = { id: string; name: string; tags: string[] };

type Save = (projectSlug: string, input: unknown) => Promise<ActionResult<AlertRuleDto>>;
type Preview = (projectSlug: string, input: unknown) => Promise<ActionResult<AlertPreviewDto>>;

/**
 * Creates or edits an alert rule. The webhook URL and signing secret are never sent to the browser: on edit, empty
 * fields keep the stored ones. Before saving, the form shows how often the rule would have fired in the last 30 days.
 */
export function AlertRuleForm({
  projectSlug,
  rule,
  metrics,
  save,
  preview,
  onDone,
}: {
  projectSlug: string;
  rule?: AlertRuleDto;
  metrics: MetricOption[];
  save: Save;
  preview: Preview;
  onDone: () => void;
}) {
  const form = useForm<AlertRuleFormFields>({ defaultValues: toDefaults(rule) });
  const { register, control, handleSubmit, setError, setValue, clearErrors, formState } = form;
  const { errors, isSubmitting } = formState;
  const mutes = useFieldArray({ control, name: 'muteWindows' });
  const [problem, setProblem] = useState<FormProblemValue | null>(null);
  const values = { ...toDefaults(rule), ...useWatch({ control }) } as AlertRuleFormFields;
  const scopeType = values.scopeType;
  const conditionType = values.conditionType;
  const channelType = values.channelType;
  const idPrefix = rule ? `rule-${rule.id}` : 'rule-new';
  const id = (name: string) => `${idPrefix}-${name}`;

  const previewInput = JSON.stringify({
    scope: toScope(values),
    condition: toCondition(values),
    pendingBuckets: toNumber(values.pendingBuckets),
  });
  const [previewState, setPreviewState] = useState<AlertPreviewState>({ status: 'idle' });
  const latest = useRef(0);

  useEffect(() => {
    const parsed = alertRulePreviewInputSchema.safeParse(JSON.parse(previewInput));
    if (!parsed.success) return;
    const request = ++latest.current;
    const timer = setTimeout(() => {
      setPreviewState({ status: 'loading' });
      void preview(projectSlug, parsed.data).then((result) => {
        if (request !== latest.current) return;
        setPreviewState(
          result.ok ? { status: 'done', data: result.data } : { status: 'error', message: result.message },
        );
      });
    }, 400);
    return () => clearTimeout(timer);
  }, [previewInput, preview, projectSlug]);

  const onSubmit = handleSubmit(async (fields) => {
    setProblem(null);
    clearErrors();
    const input = toInput(fields);
    const checked = alertRuleInputSchema.safeParse(input);
    if (!checked.success) {
      const details = applyServerFieldErrors(toFieldErrors(checked.error), { setError, placeAt });
      setProblem({ message: 'Some fields need attention.', details });
      return;
    }
    const result = await save(projectSlug, rule ? { id: rule.id, ...input } : input);
    if (result.ok) {
      onDone();
      return;
    }
    const details = applyServerFieldErrors(result.fields, { setError, placeAt });
    setProblem({ message: result.message, details });
  });

  const storedHint = (what: string) =>
    rule ? `A ${what} is stored and never shown. Leave empty to keep it.` : undefined;

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      aria-label={rule ? `Edit ${rule.name}` : 'New alert rule'}
      className="space-y-6 rounded-lg border border-slate-200 p-5 dark:border-slate-800"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={id('name')} label="Name" error={errorAt(errors, 'name')}>
          {(props) => <Input {...props} {...register('name')} autoComplete="off" />}
        </Field>
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" {...register('enabled')} /> Enabled
        </label>
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">Which metrics</legend>
        <Field id={id('scope')} label="Scope">
          {(props) => (
            <Select {...props} {...register('scopeType')}>
              <option value="all">All metrics</option>
              <option value="tags">Metrics with any of these tags</option>
              <option value="metrics">Chosen metrics</option>
            </Select>
          )}
        </Field>
        {scopeType === 'tags' ? (
          <Field
            id={id('tags')}
            label="Tags"
            hint="Comma-separated, e.g. revenue, core"
            error={errorAt(errors, 'tags')}
          >
            {(props) => <Input {...props} {...register('tags')} autoComplete="off" />}
          </Field>
        ) : null}
        {scopeType === 'metrics' ? (
          <div role="group" aria-labelledby={id('metrics-label')}>
            <p id={id('metrics-label')} className="mb-1 text-sm font-medium">
              Metrics
            </p>
            <div className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2 dark:border-slate-800">
              {metrics.length === 0 ? (
                <p className="text-sm text-slate-500 dark:text-slate-400">No metrics yet.</p>
              ) : null}
              {metrics.map((m) => (
                <label key={m.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" value={m.id} {...register('metricIds')} /> {m.name}
                </label>
              ))}
            </div>
            {errorAt(errors, 'metricIds') ? (
              <p className="mt-1 text-sm text-red-700 dark:text-red-400">{errorAt(errors, 'metricIds')}</p>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">When it fires</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id={id('condition')} label="Condition">
            {(props) => (
              <Select {...props} {...register('conditionType')}>
                <option value="anomaly">An anomaly is detected</option>
                <option value="above">The value is above</option>
                <option value="below">The value is below</option>
              </Select>
            )}
          </Field>
          {conditionType === 'anomaly' ? (
            <>
              <Field id={id('severity')} label="Minimum severity" error={errorAt(errors, 'minSeverity')}>
                {(props) => (
                  <Select {...props} {...register('minSeverity')}>
                    <option value="low">Low</option>
                    <option value="medium">Medium</option>
                    <option value="high">High</option>
                  </Select>
                )}
              </Field>
              <Field id={id('direction')} label="Direction" error={errorAt(errors, 'direction')}>
                {(props) => (
                  <Select {...props} {...register('direction')}>
                    <option value="both">Up or down</option>
                    <option value="up">Up</option>
                    <option value="down">Down</option>
                  </Select>
                )}
              </Field>
            </>
          ) : (
            <Field id={id('threshold')} label="Threshold" error={errorAt(errors, 'threshold')}>
              {(props) => (
                <Input {...props} {...register('threshold')} inputMode="decimal" autoComplete="off" />
              )}
            </Field>
          )}
          <Field
            id={id('pending')}
            label="For buckets in a row"
            hint="Fires only after the condition holds this many latest buckets."
            error={errorAt(errors, 'pendingBuckets')}
          >
            {(props) => (
              <Input
                {...props}
                {...register('pendingBuckets')}
                type="number"
                min={1}
                max={MAX_PENDING_BUCKETS}
              />
            )}
          </Field>
        </div>
        <AlertPreview state={previewState} />
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">Where it goes</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={id('channel')} label="Channel">
            {(props) => (
              <Select {...props} {...register('channelType')}>
                <option value="webhook">Webhook (signed JSON)</option>
                <option value="slack">Slack incoming webhook</option>
              </Select>
            )}
          </Field>
          <Field
            id={id('url')}
            label="Webhook URL"
            hint={rule ? `Now: ${rule.channel.urlMask}. Leave empty to keep it.` : 'https:// only.'}
            error={errorAt(errors, 'url')}
          >
            {(props) => (
              <Input {...props} {...register('url')} type="url" autoComplete="off" placeholder="https://" />
            )}
          </Field>
        </div>
        {channelType === 'webhook' ? (
          <div className="flex flex-wrap items-end gap-2">
            <Field
              id={id('secret')}
              label="Signing secret"
              className="min-w-72 flex-1"
              hint={
                storedHint('signing secret') ??
                'Receivers verify the webhook-signature header with it. Copy it before saving: it is never shown again.'
              }
              error={errorAt(errors, 'signingSecret')}
            >
              {(props) => (
                <Input {...props} {...register('signingSecret')} autoComplete="off" spellCheck={false} />
              )}
            </Field>
            <Button
              variant="secondary"
              className="mb-6"
              onClick={() => setValue('signingSecret', generateSecret(), { shouldDirty: true })}
            >
              Generate
            </Button>
          </div>
        ) : null}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">Mute windows (UTC)</legend>
        {mutes.fields.map((field, i) => (
          <div key={field.id} className="flex flex-wrap items-end gap-3">
            <Field
              id={id(`mute-${i}-start`)}
              label="From"
              error={errorAt(errors, `muteWindows.${i}.startsAt`)}
            >
              {(props) => (
                <Input {...props} {...register(`muteWindows.${i}.startsAt`)} type="datetime-local" />
              )}
            </Field>
            <Field id={id(`mute-${i}-end`)} label="Until" error={errorAt(errors, `muteWindows.${i}.endsAt`)}>
              {(props) => <Input {...props} {...register(`muteWindows.${i}.endsAt`)} type="datetime-local" />}
            </Field>
            <Button variant="ghost" onClick={() => mutes.remove(i)}>
              Remove
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => mutes.append({ startsAt: '', endsAt: '' })}>
          Add mute window
        </Button>
      </fieldset>

      <FormProblem problem={problem} />
      <div className="flex gap-2">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
