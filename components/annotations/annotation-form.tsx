'use client';

import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import { fromDateTimeLocal } from '@/lib/annotations/time';
import { MAX_ANNOTATION_NOTE_LENGTH, type AnnotationDto } from '@/lib/annotations/schemas';
import type { AnnotationDraftValues } from './annotation-draft';

export type SaveAnnotation = (
  projectSlug: string,
  input: Record<string, unknown>,
) => Promise<ActionResult<AnnotationDto>>;

const FIELDS = ['note', 'startsAt', 'endsAt', 'metricId'] as const;

/** Adds or edits one note: its text, a start, an optional end, and whether it is this metric's or everyone's. */
export function AnnotationForm({
  projectSlug,
  metricId,
  metricName,
  timeZone,
  values,
  onChange,
  save,
  onSaved,
  onCancel,
}: {
  projectSlug: string;
  metricId: string;
  metricName: string;
  timeZone: string;
  values: AnnotationDraftValues;
  onChange: (values: AnnotationDraftValues) => void;
  save: SaveAnnotation;
  onSaved: (annotation: AnnotationDto) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const noteRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => noteRef.current?.focus(), []);

  const set = (patch: Partial<AnnotationDraftValues>) => onChange({ ...values, ...patch });
  const submit = () =>
    startTransition(async () => {
      setErrors({});
      setProblem(null);
      const result = await save(projectSlug, {
        ...(values.id ? { id: values.id } : {}),
        metricId: values.scope === 'metric' ? metricId : null,
        note: values.note,
        startsAt: fromDateTimeLocal(values.start, timeZone),
        endsAt: values.end ? fromDateTimeLocal(values.end, timeZone) : null,
      });
      if (result.ok) {
        onSaved(result.data);
        return;
      }
      const fields = result.fields ?? {};
      setErrors(fields);
      const placed = Object.keys(fields).some((k) => (FIELDS as readonly string[]).includes(k));
      setProblem(placed ? null : result.message);
    });

  const headingId = `${id}-heading`;
  return (
    <form
      aria-labelledby={headingId}
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3 id={headingId} className="text-base font-semibold">
        {values.id ? 'Edit annotation' : 'New annotation'}
      </h3>
      <Field
        id={`${id}-note`}
        label="Note"
        hint={`What happened, in at most ${MAX_ANNOTATION_NOTE_LENGTH} characters.`}
        error={errors.note}
      >
        {(control) => (
          <Textarea
            {...control}
            ref={noteRef}
            rows={2}
            maxLength={MAX_ANNOTATION_NOTE_LENGTH}
            value={values.note}
            onChange={(e) => set({ note: e.target.value })}
          />
        )}
      </Field>
      <div className="flex flex-wrap gap-4">
        <Field id={`${id}-start`} label="Start" hint={`In ${timeZone}.`} error={errors.startsAt}>
          {(control) => (
            <Input
              {...control}
              type="datetime-local"
              value={values.start}
              onChange={(e) => set({ start: e.target.value })}
            />
          )}
        </Field>
        <Field id={`${id}-end`} label="End (optional)" hint="Empty for a moment." error={errors.endsAt}>
          {(control) => (
            <Input
              {...control}
              type="datetime-local"
              value={values.end}
              onChange={(e) => set({ end: e.target.value })}
            />
          )}
        </Field>
      </div>
      <fieldset aria-describedby={errors.metricId ? `${id}-scope-error` : undefined}>
        <legend className="mb-1 text-sm font-medium">Shows on</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <label className="inline-flex items-center gap-2">
            <input
              type="radio"
              name={`${id}-scope`}
              checked={values.scope === 'metric'}
              onChange={() => set({ scope: 'metric' })}
            />
            This metric ({metricName})
          </label>
          <label className="inline-flex items-center gap-2">
            <input
              type="radio"
              name={`${id}-scope`}
              checked={values.scope === 'project'}
              onChange={() => set({ scope: 'project' })}
            />
            Every metric of the project
          </label>
        </div>
        {errors.metricId ? (
          <p id={`${id}-scope-error`} className="mt-1 text-sm text-red-700 dark:text-red-400">
            {errors.metricId}
          </p>
        ) : null}
      </fieldset>
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : values.id ? 'Save annotation' : 'Add annotation'}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
