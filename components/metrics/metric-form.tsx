'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { FormProblem, type FormProblemValue } from '@/components/forms/form-problem';
import { applyServerFieldErrors, errorAt } from '@/components/forms/server-errors';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClassName } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import type { SeriesPreview } from '@/lib/collection/service';
import { metricInputSchema, type MetricInput } from '@/lib/metrics/schemas';
import type { FieldErrors } from '@/lib/errors';
import { CompositionDefinitionFields } from './definition-fields-composition';
import { BreakdownFields, FactOperandFields } from './definition-fields-fact';
import { SqlDefinitionFields } from './definition-fields-sql';
import { placeFieldError } from './field-placement';
import {
  emptyDefinition,
  kindKeyOf,
  type DefinitionValues,
  type KindKey,
  type MetricFormOptions,
  type MetricFormValues,
} from './form-values';
import { KindSwitch } from './kind-switch';
import { DetailsFields, MonitoringFields } from './metadata-fields';
import { PreviewSeriesPanel, type PreviewOutcome } from './preview-series-panel';
import { RecomputePrompt, type BackfillAction } from './recompute-prompt';

type Action<O> = (projectSlug: string, input: unknown) => Promise<ActionResult<O>>;

export type MetricFormActions = {
  preview: Action<SeriesPreview>;
  create?: Action<{ id: string; version: number }>;
  update?: Action<{ id: string; version: number; changed: boolean; definitionChanged: boolean }>;
  remove?: Action<{ id: string }>;
  backfill?: BackfillAction;
};

/** The metric being edited: its id and the version the form was loaded at. */
export type EditedMetric = { id: string; name: string; version: number };

type Saved = { version: number; changed: boolean; definitionChanged: boolean };

/**
 * Create or edit a metric: details, the kind-specific definition with "Preview series", and how it is shown
 * and monitored. Validated in the browser with the same zod schema the server uses; the server's field
 * errors come back beside the same fields.
 */
export function MetricForm({
  projectSlug,
  timeZone,
  options,
  defaultValues,
  metric,
  actions,
}: {
  projectSlug: string;
  timeZone: string;
  options: MetricFormOptions;
  defaultValues: MetricFormValues;
  metric?: EditedMetric;
  actions: MetricFormActions;
}) {
  const router = useRouter();
  const catalogPath = `/p/${projectSlug}/metrics`;
  const form = useForm<MetricFormValues, unknown, MetricInput>({
    resolver: zodResolver(metricInputSchema),
    defaultValues,
  });
  const { control, register, handleSubmit, setError, clearErrors, getValues, setValue, trigger } = form;
  const { errors, isSubmitting } = form.formState;
  const definition = useWatch({ control, name: 'definition' });
  const kind = kindKeyOf(definition);
  // One draft per kind, so switching away and back does not lose what was picked.
  const drafts = useRef<Partial<Record<KindKey, DefinitionValues>>>({});
  const [version, setVersion] = useState(metric?.version ?? 0);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [problem, setProblem] = useState<FormProblemValue | null>(null);
  const [reloadNeeded, setReloadNeeded] = useState(false);
  const [deleting, setDeleting] = useState(false);

  function switchKind(next: KindKey) {
    const current = getValues('definition');
    drafts.current[kindKeyOf(current)] = current;
    clearErrors('definition');
    setValue('definition', drafts.current[next] ?? emptyDefinition(next, { previous: current, options }));
  }

  /** Server field errors beside their fields; what no field shows is returned for the alert. */
  const placeErrors = (fields: FieldErrors | undefined) =>
    applyServerFieldErrors(fields, {
      setError,
      placeAt: (path) => placeFieldError(path, getValues('definition')),
    });

  async function runPreview(): Promise<PreviewOutcome> {
    if (!(await trigger(undefined, { shouldFocus: true }))) {
      return { problem: 'Fix the highlighted fields, then preview again.' };
    }
    const values = getValues();
    const result = await actions.preview(projectSlug, metric ? { ...values, metricId: metric.id } : values);
    if (result.ok) return { data: result.data };
    const unplaced = placeErrors(result.fields);
    const placedAll = Object.keys(result.fields ?? {}).length > 0 && unplaced.length === 0;
    return { problem: placedAll ? null : [result.message, ...unplaced].join(' ') };
  }

  const onSubmit = handleSubmit(async (values) => {
    setProblem(null);
    setSaved(null);
    if (metric && actions.update) {
      const result = await actions.update(projectSlug, {
        ...values,
        metricId: metric.id,
        expectedVersion: version,
      });
      if (result.ok) {
        setVersion(result.data.version);
        setSaved(result.data);
        router.refresh();
        return;
      }
      setReloadNeeded(result.code === 'conflict' && !result.fields);
      setProblem({ message: result.message, details: placeErrors(result.fields) });
      return;
    }
    if (!actions.create) return;
    const result = await actions.create(projectSlug, values);
    if (result.ok) {
      router.push(`${catalogPath}/${result.data.id}`);
      return;
    }
    setProblem({ message: result.message, details: placeErrors(result.fields) });
  });

  async function onDelete() {
    if (!metric || !actions.remove) return;
    setProblem(null);
    setDeleting(true);
    const result = await actions.remove(projectSlug, { metricId: metric.id });
    if (result.ok) {
      router.push(catalogPath);
      return;
    }
    setDeleting(false);
    setProblem({ message: result.message, details: [] });
  }

  return (
    <FormProvider {...form}>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className="max-w-5xl space-y-10">
        <section aria-labelledby="metric-details" className="space-y-4">
          <h2 id="metric-details" className="text-base font-semibold">
            Details
          </h2>
          <DetailsFields members={options.members} />
        </section>

        <section aria-labelledby="metric-definition" className="space-y-5">
          <h2 id="metric-definition" className="text-base font-semibold">
            Definition
          </h2>
          <KindSwitch value={kind} onChange={switchKind} />
          <Field
            id="metric-interval"
            label="Interval"
            error={errorAt(errors, 'interval')}
            hint="How long one bucket is."
            className="max-w-xs"
          >
            {(props) => (
              <Select {...props} {...register('interval')}>
                <option value="hour">Hourly</option>
                <option value="day">Daily</option>
                <option value="week">Weekly</option>
              </Select>
            )}
          </Field>
          <DefinitionFields kind={kind} options={options} selfId={metric?.id} />
        </section>

        <section aria-labelledby="metric-preview" className="space-y-3">
          <h2 id="metric-preview" className="text-base font-semibold">
            Preview
          </h2>
          <PreviewSeriesPanel run={runPreview} timeZone={timeZone} />
        </section>

        <section aria-labelledby="metric-monitoring" className="space-y-4">
          <h2 id="metric-monitoring" className="text-base font-semibold">
            Display and monitoring
          </h2>
          <MonitoringFields />
        </section>

        <FormProblem problem={problem} />
        {reloadNeeded ? (
          <Button variant="secondary" onClick={() => window.location.reload()}>
            Reload the metric
          </Button>
        ) : null}
        {saved ? (
          saved.changed ? (
            <Alert tone="success">Saved as version {saved.version}.</Alert>
          ) : (
            <Alert tone="info">Nothing changed, so no new version was saved.</Alert>
          )
        ) : null}
        {saved?.definitionChanged && metric ? (
          <RecomputePrompt projectSlug={projectSlug} metricId={metric.id} backfill={actions.backfill} />
        ) : null}

        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-6 dark:border-slate-800">
          <Button type="submit" disabled={isSubmitting || deleting}>
            {isSubmitting ? 'Saving…' : metric ? 'Save changes' : 'Create metric'}
          </Button>
          <Link
            href={metric ? `${catalogPath}/${metric.id}` : catalogPath}
            className={buttonClassName('ghost')}
          >
            Cancel
          </Link>
          {metric && actions.remove ? (
            <div className="ml-auto">
              <ConfirmDialog
                triggerLabel={deleting ? 'Deleting…' : 'Delete metric'}
                title={`Delete ${metric.name}?`}
                confirmLabel="Delete"
                onConfirm={() => void onDelete()}
                disabled={isSubmitting || deleting}
              >
                Its collected values, anomalies and versions are deleted with it. Compositions that read it
                must be changed or deleted first.
              </ConfirmDialog>
            </div>
          ) : null}
        </div>
      </form>
    </FormProvider>
  );
}

function DefinitionFields({
  kind,
  options,
  selfId,
}: {
  kind: KindKey;
  options: MetricFormOptions;
  selfId?: string;
}) {
  switch (kind) {
    case 'fact-single':
      return (
        <div className="space-y-4">
          <FactOperandFields which="operand" legend="Measure" factTables={options.factTables} />
          <BreakdownFields factTables={options.factTables} />
        </div>
      );
    case 'fact-ratio':
      return (
        <div className="space-y-4">
          <FactOperandFields which="numerator" legend="Numerator" factTables={options.factTables} />
          <FactOperandFields which="denominator" legend="Denominator" factTables={options.factTables} />
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Both sides read the same data source. A bucket whose denominator is 0 is a gap, not a value.
          </p>
        </div>
      );
    case 'sql':
      return <SqlDefinitionFields dataSources={options.dataSources} />;
    case 'composition':
      return <CompositionDefinitionFields metrics={options.metrics} selfId={selfId} />;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
