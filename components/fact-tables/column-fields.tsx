'use client';

import { Controller, useFormState, type Control, type UseFormRegister } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Badge } from '@/components/ui/badge';
import { Field, FieldError, FieldHint, fieldControlProps } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import type { FactTableInput } from '@/lib/fact-tables/schemas';
import type { WarehouseColumn } from '@/lib/warehouse/types';
import type { FactTableFormValues } from './form-values';
import { TYPE_TONE } from './type-tone';

const IDENTIFIERS_ID = 'fact-table-identifiers';

/**
 * The timestamp column and the identifier columns, picked from the columns the query returns (the last
 * preview, or the stored columns when editing): nothing here is typed by hand.
 */
export function ColumnFields({
  control,
  register,
  columns,
}: {
  control: Control<FactTableFormValues, unknown, FactTableInput>;
  register: UseFormRegister<FactTableFormValues>;
  columns: readonly WarehouseColumn[];
}) {
  const { errors } = useFormState({ control });
  const timestampColumns = columns.filter((c) => c.type === 'timestamp');
  const identifierError = errorAt(errors, 'identifierColumns');
  const noColumns = columns.length === 0;

  return (
    <div className="grid gap-6 md:grid-cols-[20rem_1fr]">
      <Field
        id="fact-table-timestamp"
        label="Timestamp column"
        error={errorAt(errors, 'timestampColumn')}
        hint={
          noColumns
            ? 'Preview the query to pick from its timestamp columns.'
            : 'Buckets are cut on this column.'
        }
      >
        {(props) => (
          <Select {...props} {...register('timestampColumn')}>
            <option value="">
              {noColumns
                ? 'Preview the query first'
                : timestampColumns.length === 0
                  ? 'No timestamp column'
                  : 'Pick a column'}
            </option>
            {timestampColumns.map((column) => (
              <option key={column.name} value={column.name}>
                {column.name} ({column.nativeType})
              </option>
            ))}
          </Select>
        )}
      </Field>

      <fieldset {...fieldControlProps(IDENTIFIERS_ID, { hint: true, error: identifierError })}>
        <legend className="mb-1 block text-sm font-medium">Identifier columns</legend>
        {noColumns ? null : (
          <Controller
            control={control}
            name="identifierColumns"
            render={({ field }) => {
              const selected = new Set(field.value ?? []);
              const toggle = (name: string) =>
                field.onChange(
                  columns.map((c) => c.name).filter((n) => (n === name ? !selected.has(n) : selected.has(n))),
                );
              return (
                <div className="flex flex-wrap gap-2">
                  {columns.map((column) => (
                    <label
                      key={column.name}
                      className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-slate-200 px-2.5 py-1.5 text-sm has-checked:border-brand-500 has-checked:bg-brand-50 dark:border-slate-800 dark:has-checked:bg-brand-700/20"
                    >
                      <input
                        type="checkbox"
                        checked={selected.has(column.name)}
                        onChange={() => toggle(column.name)}
                        onBlur={field.onBlur}
                      />
                      <span className="font-mono text-xs">{column.name}</span>
                      <Badge tone={TYPE_TONE[column.type]}>{column.type}</Badge>
                    </label>
                  ))}
                </div>
              );
            }}
          />
        )}
        <FieldError id={IDENTIFIERS_ID} message={identifierError} />
        <FieldHint id={IDENTIFIERS_ID}>
          {noColumns
            ? 'Preview the query to pick from its columns.'
            : 'Columns that name one thing, such as order_id or customer_id: metrics can count them distinctly.'}
        </FieldHint>
      </fieldset>
    </div>
  );
}
