'use client';

import { Controller, useWatch } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Field } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';
import {
  METRIC_DIRECTIONS,
  METRIC_FORMATS,
  METRIC_LIFECYCLES,
  type MetricDirection,
  type MetricFormat,
  type MetricLifecycle,
} from '@/lib/metrics/schemas';
import { errorUnder } from './error-under';
import type { NamedOption } from './form-values';
import { TagInput } from './tag-input';
import { useMetricForm } from './use-metric-form';

const FORMAT_LABELS: Record<MetricFormat, string> = {
  number: 'Number',
  currency: 'Currency',
  percent: 'Percent',
  duration: 'Duration',
};
const DIRECTION_LABELS: Record<MetricDirection, string> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  neutral: 'Neutral',
};
const LIFECYCLE_LABELS: Record<MetricLifecycle, string> = {
  draft: 'Draft',
  active: 'Active',
  archived: 'Archived',
};

/** Sensitivity in words: how small a deviation has to be before it counts as an anomaly. */
export function sensitivityWords(value: number): string {
  if (value <= 2) return 'Very low: only extreme deviations';
  if (value <= 4) return 'Low: large deviations';
  if (value <= 6) return 'Balanced';
  if (value <= 8) return 'High: moderate deviations';
  return 'Very high: small deviations';
}

const emptyToNull = (value: unknown) => (value === '' || value === null ? null : value);

/** Name, description, owner and tags: what the catalog shows and searches. */
export function DetailsFields({ members }: { members: NamedOption[] }) {
  const { control, register, formState } = useMetricForm();
  const { errors } = formState;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Field id="metric-name" label="Name" error={errorAt(errors, 'name')}>
        {(props) => <Input {...props} {...register('name')} autoComplete="off" />}
      </Field>
      <Field id="metric-owner" label="Owner" error={errorAt(errors, 'ownerId')}>
        {(props) => (
          <Select {...props} {...register('ownerId', { setValueAs: emptyToNull })}>
            <option value="">No owner</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="metric-description"
        label="Description"
        error={errorAt(errors, 'description')}
        className="md:col-span-2"
      >
        {(props) => <Textarea {...props} {...register('description')} rows={2} />}
      </Field>
      <div className="md:col-span-2">
        <Controller
          control={control}
          name="tags"
          render={({ field }) => (
            <TagInput
              id="metric-tags"
              value={field.value ?? []}
              onChange={field.onChange}
              onBlur={field.onBlur}
              inputRef={field.ref}
              error={errorUnder(errors, 'tags')}
              hint="Separate with commas. Lower-case letters, digits, - and _."
            />
          )}
        />
      </div>
    </div>
  );
}

/** How values read (unit, format, direction), where the metric is in its life, and how eagerly it alerts. */
export function MonitoringFields() {
  const { control, register, formState } = useMetricForm();
  const { errors } = formState;
  const sensitivity = useWatch({ control, name: 'sensitivity' }) ?? 5;
  return (
    <div className="grid gap-4 md:grid-cols-4">
      <Field id="metric-unit" label="Unit" error={errorAt(errors, 'unit')} hint="Such as orders, €, ms.">
        {(props) => <Input {...props} {...register('unit')} autoComplete="off" />}
      </Field>
      <Field id="metric-format" label="Format" error={errorAt(errors, 'format')}>
        {(props) => (
          <Select {...props} {...register('format')}>
            {METRIC_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field id="metric-direction" label="Direction" error={errorAt(errors, 'direction')}>
        {(props) => (
          <Select {...props} {...register('direction')}>
            {METRIC_DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {DIRECTION_LABELS[d]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="metric-lifecycle"
        label="Lifecycle"
        error={errorAt(errors, 'lifecycle')}
        hint="Only active metrics are collected on schedule."
      >
        {(props) => (
          <Select {...props} {...register('lifecycle')}>
            {METRIC_LIFECYCLES.map((l) => (
              <option key={l} value={l}>
                {LIFECYCLE_LABELS[l]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="metric-sensitivity"
        label={
          <>
            Sensitivity{' '}
            <span className="font-normal text-slate-600 dark:text-slate-400">
              {sensitivity} · {sensitivityWords(sensitivity)}
            </span>
          </>
        }
        error={errorAt(errors, 'sensitivity')}
        hint="Higher flags smaller deviations from the expected band as anomalies."
        className="md:col-span-2"
      >
        {(props) => (
          <Input
            {...props}
            type="range"
            min={1}
            max={10}
            step={1}
            aria-valuetext={`${sensitivity}, ${sensitivityWords(sensitivity)}`}
            className="border-0 px-0 shadow-none accent-brand-600 focus:ring-0"
            {...register('sensitivity', { valueAsNumber: true })}
          />
        )}
      </Field>
    </div>
  );
}
