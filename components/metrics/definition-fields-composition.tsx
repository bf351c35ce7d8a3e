'use client';

import { useWatch } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import type { CompositionDefinition } from '@/lib/metrics/schemas';
import type { MetricOption } from './form-values';
import { useMetricForm } from './use-metric-form';

const OPS: { value: CompositionDefinition['op']; label: string }[] = [
  { value: 'div', label: 'A ÷ B' },
  { value: 'sub', label: 'A − B' },
  { value: 'add', label: 'A + B' },
  { value: 'scale', label: 'k × A' },
];

const INTERVAL_WORDS = { hour: 'hourly', day: 'daily', week: 'weekly' } as const;

const emptyToNull = (value: unknown) => (value === '' || value === null ? null : value);
const toNumberOrNull = (value: unknown) => {
  if (value === '' || value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isNaN(n) ? null : n;
};

/**
 * Arithmetic over metrics already collected: an operation, the metrics it reads (never this one) and, to
 * scale, a factor. Archived metrics are offered only when this metric already reads them.
 */
export function CompositionDefinitionFields({
  metrics,
  selfId,
}: {
  metrics: MetricOption[];
  selfId?: string;
}) {
  const { control, register, formState } = useMetricForm();
  const { errors } = formState;
  const op = useWatch({ control, name: 'definition.op' });
  const a = useWatch({ control, name: 'definition.a' });
  const b = useWatch({ control, name: 'definition.b' });
  const choices = metrics.filter(
    (m) => m.id !== selfId && (m.lifecycle !== 'archived' || m.id === a || m.id === b),
  );
  const metricOptions = choices.map((m) => (
    <option key={m.id} value={m.id}>
      {m.name} ({INTERVAL_WORDS[m.interval]}
      {m.lifecycle === 'active' ? '' : `, ${m.lifecycle}`})
    </option>
  ));

  return (
    <div className="grid gap-4 md:grid-cols-3">
      <Field id="metric-composition-op" label="Operation" error={errorAt(errors, 'definition.op')}>
        {(props) => (
          <Select {...props} {...register('definition.op')}>
            {OPS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="metric-composition-a"
        label="Metric A"
        error={errorAt(errors, 'definition.a')}
        hint="Inputs share this metric's interval."
      >
        {(props) => (
          <Select {...props} {...register('definition.a')}>
            <option value="" disabled>
              Pick a metric
            </option>
            {metricOptions}
          </Select>
        )}
      </Field>
      {op === 'scale' ? (
        <Field id="metric-composition-k" label="Factor k" error={errorAt(errors, 'definition.k')}>
          {(props) => (
            <Input
              {...props}
              type="number"
              step="any"
              inputMode="decimal"
              {...register('definition.k', { setValueAs: toNumberOrNull })}
            />
          )}
        </Field>
      ) : (
        <Field id="metric-composition-b" label="Metric B" error={errorAt(errors, 'definition.b')}>
          {(props) => (
            <Select {...props} {...register('definition.b', { setValueAs: emptyToNull })}>
              <option value="">Pick a metric</option>
              {metricOptions}
            </Select>
          )}
        </Field>
      )}
    </div>
  );
}
