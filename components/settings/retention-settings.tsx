'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { FormProblem, type FormProblemValue } from '@/components/forms/form-problem';
import { applyServerFieldErrors, errorAt } from '@/components/forms/server-errors';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import {
  RETENTION_WINDOWS,
  updateProjectRetentionInputSchema,
  type ProjectRetentionDto,
  type RetentionOverrides,
  type UpdateProjectRetentionInput,
} from '@/lib/projects/schemas';

type SaveAction = (
  projectSlug: string,
  input: UpdateProjectRetentionInput,
) => Promise<ActionResult<ProjectRetentionDto>>;

const KEYS = new Set<string>(RETENTION_WINDOWS.map((w) => w.key));
const days = (n: number) => (n === 1 ? '1 day' : `${n.toLocaleString('en-US')} days`);

/** An empty field is the instance default; anything else is checked by the schema, so "abc" is an error. */
const toDays = (value: unknown) => {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? null : Number(value.trim());
};

/** A project's retention windows: what applies and where it comes from for everyone, the form for admins. */
export function RetentionSettings({
  projectSlug,
  retention,
  canManage,
  save,
}: {
  projectSlug: string;
  retention: ProjectRetentionDto;
  canManage: boolean;
  save: SaveAction;
}) {
  if (canManage) return <RetentionForm projectSlug={projectSlug} retention={retention} save={save} />;
  return (
    <div className="space-y-4">
      <Alert tone="info" title="Admins change retention">
        You can see how long this project keeps its history; only a project admin can change it.
      </Alert>
      <RetentionTable retention={retention} />
    </div>
  );
}

function SourceBadge({ source }: { source: 'project' | 'default' }) {
  return source === 'project' ? (
    <Badge tone="blue">Set for this project</Badge>
  ) : (
    <Badge>Instance default</Badge>
  );
}

function RetentionTable({ retention }: { retention: ProjectRetentionDto }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Retention windows</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2">
              History
            </th>
            <th scope="col" className="px-3 py-2">
              Kept for
            </th>
            <th scope="col" className="px-3 py-2">
              From
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {RETENTION_WINDOWS.map(({ key, label }) => {
            const applied = retention.windows[key];
            return (
              <tr key={key} data-testid="retention-row">
                <th scope="row" className="px-3 py-2 font-medium">
                  {label}
                </th>
                <td className="px-3 py-2">{days(applied.days)}</td>
                <td className="px-3 py-2">
                  <SourceBadge source={applied.source} />
                  {applied.source === 'project' ? (
                    <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">
                      default: {days(applied.defaultDays)}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RetentionForm({
  projectSlug,
  retention,
  save,
}: {
  projectSlug: string;
  retention: ProjectRetentionDto;
  save: SaveAction;
}) {
  const router = useRouter();
  const form = useForm<RetentionOverrides, unknown, UpdateProjectRetentionInput>({
    resolver: zodResolver(updateProjectRetentionInputSchema),
    defaultValues: retention.overrides,
  });
  const { register, control, handleSubmit, setError, setValue, reset, formState } = form;
  const values = useWatch({ control });
  const [problem, setProblem] = useState<FormProblemValue | null>(null);
  const [saved, setSaved] = useState(false);
  const usesDefaults = RETENTION_WINDOWS.every(({ key }) => retention.overrides[key] === null);

  const onSubmit = handleSubmit(async (input) => {
    setProblem(null);
    setSaved(false);
    const result = await save(projectSlug, input);
    if (result.ok) {
      reset(result.data.overrides);
      setSaved(true);
      router.refresh();
      return;
    }
    const details = applyServerFieldErrors(result.fields, {
      setError,
      placeAt: (path) => (KEYS.has(path) ? path : null),
    });
    setProblem({ message: result.message, details });
  });

  return (
    <form
      aria-label="Retention windows"
      noValidate
      onSubmit={(event) => void onSubmit(event)}
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="retention-summary">
        {usesDefaults
          ? 'This project uses the instance defaults for every window. Enter days to keep more or less history here.'
          : 'A window left empty uses the instance default.'}
      </p>
      <div className="grid gap-4 sm:grid-cols-3">
        {RETENTION_WINDOWS.map(({ key, label, deletes }) => {
          const { defaultDays } = retention.windows[key];
          const value = values[key];
          return (
            <Field
              key={key}
              id={`retention-${key}`}
              label={label}
              error={errorAt(formState.errors, key)}
              hint={`Instance default: ${days(defaultDays)}. ${deletes}`}
            >
              {(controlProps) => (
                <div className="flex items-center gap-2">
                  <Input
                    {...controlProps}
                    {...register(key, { setValueAs: toDays })}
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    placeholder={`${defaultDays} (default)`}
                    className="max-w-32"
                  />
                  <span className="text-sm text-slate-600 dark:text-slate-400">days</span>
                  {value !== null && value !== undefined ? (
                    <Button
                      variant="ghost"
                      className="whitespace-nowrap px-2 py-1 text-xs"
                      aria-label={`${label}: use the instance default`}
                      onClick={() => setValue(key, null, { shouldDirty: true, shouldValidate: true })}
                    >
                      Use default
                    </Button>
                  ) : null}
                </div>
              )}
            </Field>
          );
        })}
      </div>
      <FormProblem problem={problem} />
      {saved ? (
        <Alert tone="success" title="Retention saved">
          The next hourly retention pass deletes this project’s history by these windows.
        </Alert>
      ) : null}
      <Button type="submit" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? 'Saving…' : 'Save retention'}
      </Button>
    </form>
  );
}
