'use client';

import { useState } from 'react';
import { useFieldArray, useFormState, type Control, type UseFormRegister } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { FactTableInput } from '@/lib/fact-tables/schemas';
import { MAX_ROW_FILTERS } from '@/lib/fact-tables/schemas';
import type { FactTablePreview } from '@/lib/fact-tables/service';
import type { FactTableFormValues } from './form-values';
import { PreviewResult } from './preview-result';

const MATCH_SAMPLE_ROWS = 10;

/**
 * Named row filters: one row of name + condition each, added and removed freely. "Show matching rows" runs
 * the fact table's query with that one condition; `previewFilter` reports its errors on the form itself.
 */
export function RowFilterFields({
  control,
  register,
  previewFilter,
  readyToPreview,
}: {
  control: Control<FactTableFormValues, unknown, FactTableInput>;
  register: UseFormRegister<FactTableFormValues>;
  previewFilter: (index: number) => Promise<FactTablePreview | null>;
  readyToPreview: boolean;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'rowFilters' });
  const { errors } = useFormState({ control });
  // Keyed by the field array's own keys, so a result stays with its filter when others are removed.
  const [matches, setMatches] = useState<Record<string, FactTablePreview>>({});
  const [pendingKey, setPendingKey] = useState<string | null>(null);

  async function showMatches(index: number, key: string) {
    setPendingKey(key);
    try {
      const preview = await previewFilter(index);
      setMatches(({ [key]: _old, ...rest }) => (preview ? { ...rest, [key]: preview } : rest));
    } finally {
      setPendingKey(null);
    }
  }

  return (
    <div className="space-y-3">
      {fields.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No row filters yet. A row filter is a named condition such as{' '}
          <code className="text-xs">status = &apos;completed&apos;</code> that metrics can count by.
        </p>
      ) : null}
      {fields.map((field, index) => {
        const match = matches[field.id];
        const nameId = `row-filter-${field.id}-name`;
        const expressionId = `row-filter-${field.id}-expression`;
        return (
          <div
            key={field.id}
            role="group"
            aria-label={`Row filter ${index + 1}`}
            className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
          >
            <div className="grid gap-3 md:grid-cols-[14rem_1fr_auto] md:items-start">
              <Field id={nameId} label="Filter name" error={errorAt(errors, `rowFilters.${index}.name`)}>
                {(props) => (
                  <Input {...props} {...register(`rowFilters.${index}.name`)} placeholder="completed" />
                )}
              </Field>
              <Field
                id={expressionId}
                label="Condition"
                error={errorAt(errors, `rowFilters.${index}.expression`)}
              >
                {(props) => (
                  <Input
                    {...props}
                    {...register(`rowFilters.${index}.expression`)}
                    className="font-mono"
                    placeholder="status = 'completed'"
                    spellCheck={false}
                  />
                )}
              </Field>
              <div className="flex gap-2 md:pt-6">
                <Button
                  variant="secondary"
                  disabled={!readyToPreview || pendingKey !== null}
                  onClick={() => void showMatches(index, field.id)}
                >
                  {pendingKey === field.id ? 'Running…' : 'Show matching rows'}
                </Button>
                <Button
                  variant="ghost"
                  aria-label={`Remove row filter ${index + 1}`}
                  onClick={() => {
                    remove(index);
                    setMatches(({ [field.id]: _gone, ...rest }) => rest);
                  }}
                >
                  Remove
                </Button>
              </div>
            </div>
            {match ? (
              <div className="mt-3">
                <PreviewResult
                  preview={match}
                  label={`Rows matching row filter ${index + 1}`}
                  title="Matching rows"
                  maxRows={MATCH_SAMPLE_ROWS}
                  showColumns={false}
                />
              </div>
            ) : null}
          </div>
        );
      })}
      <Button
        variant="secondary"
        disabled={fields.length >= MAX_ROW_FILTERS}
        onClick={() => append({ name: '', expression: '' }, { shouldFocus: true })}
      >
        Add row filter
      </Button>
    </div>
  );
}
