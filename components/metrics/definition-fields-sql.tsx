'use client';

import { Controller } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { SqlEditor } from '@/components/ui/sql-editor';
import type { NamedOption } from './form-values';
import { useMetricForm } from './use-metric-form';

const SQL_HINT = (
  <>
    One read-only SELECT returning <code>bucket</code> (a timestamp), <code>value</code> (a number) and
    optionally <code>dimension</code>. Bound the time window with <code>{'{{start}}'}</code> and{' '}
    <code>{'{{end}}'}</code>: Sightline binds them as parameters for each collection.
  </>
);

/** A `sql` metric: the data source it runs on, the SELECT, and how a missing bucket reads. */
export function SqlDefinitionFields({ dataSources }: { dataSources: NamedOption[] }) {
  const { control, register, formState } = useMetricForm();
  const { errors } = formState;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2">
        <Field id="metric-sql-source" label="Data source" error={errorAt(errors, 'definition.dataSourceId')}>
          {(props) => (
            <Select {...props} {...register('definition.dataSourceId')}>
              <option value="" disabled>
                Pick a data source
              </option>
              {dataSources.map((source) => (
                <option key={source.id} value={source.id}>
                  {source.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          id="metric-sql-value-kind"
          label="A bucket with no row reads as"
          error={errorAt(errors, 'definition.valueKind')}
          hint="Counts and sums read 0; rates and averages have no value."
        >
          {(props) => (
            <Select {...props} {...register('definition.valueKind')}>
              <option value="count">0 (a count or a sum)</option>
              <option value="fractional">No value (a rate or an average)</option>
            </Select>
          )}
        </Field>
      </div>
      <Controller
        control={control}
        name="definition.sql"
        render={({ field }) => (
          <SqlEditor
            id="metric-sql"
            label="SQL"
            value={field.value ?? ''}
            onChange={field.onChange}
            onBlur={field.onBlur}
            focusRef={field.ref}
            error={errorAt(errors, 'definition.sql')}
            hint={SQL_HINT}
            minHeight="8rem"
          />
        )}
      />
    </div>
  );
}
