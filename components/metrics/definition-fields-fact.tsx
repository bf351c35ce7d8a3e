'use client';

import { Controller, useWatch } from 'react-hook-form';
import { errorAt } from '@/components/forms/server-errors';
import { Badge } from '@/components/ui/badge';
import { Field, FieldError, FieldHint, fieldControlProps } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { TYPE_TONE } from '@/components/fact-tables/type-tone';
import { isBreakdownColumn, isColumnFit } from '@/lib/metrics/column-fit';
import { AGGREGATIONS, type Aggregation } from '@/lib/metrics/schemas';
import { errorUnder } from './error-under';
import type { FactTableOption, OperandKey } from './form-values';
import { useMetricForm } from './use-metric-form';

const AGGREGATION_LABELS: Record<Aggregation, string> = {
  count: 'Count',
  count_distinct: 'Count distinct',
  sum: 'Sum',
  avg: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  p50: 'Median (p50)',
  p90: '90th percentile (p90)',
  p95: '95th percentile (p95)',
  p99: '99th percentile (p99)',
};

const MAX_BREAKDOWNS = 3;

const CHECK_CHIP =
  'inline-flex cursor-pointer items-center gap-2 rounded-md border border-slate-200 px-2.5 py-1.5 text-sm has-checked:border-brand-500 has-checked:bg-brand-50 has-disabled:cursor-not-allowed has-disabled:opacity-50 dark:border-slate-800 dark:has-checked:bg-brand-700/20';

/**
 * One aggregation over a fact table: table → aggregation → a column that suits it → row filters. Changing
 * the table clears what belonged to the old one, so a stale column or filter can never be sent.
 */
export function FactOperandFields({
  which,
  legend,
  factTables,
}: {
  which: OperandKey;
  legend: string;
  factTables: FactTableOption[];
}) {
  const { control, setValue, getValues, formState } = useMetricForm();
  const { errors } = formState;
  const factTableId = useWatch({ control, name: `definition.${which}.factTableId` });
  const aggregation = useWatch({ control, name: `definition.${which}.aggregation` }) ?? 'count';
  const table = factTables.find((t) => t.id === factTableId);
  const fitting = (table?.columns ?? []).filter((c) => isColumnFit(aggregation, c.type));
  const id = (part: string) => `metric-${which}-${part}`;
  const path = `definition.${which}` as const;

  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-4 dark:border-slate-800">
      <legend className="px-1 text-sm font-semibold">{legend}</legend>
      <div className="grid gap-4 md:grid-cols-3">
        <Controller
          control={control}
          name={`${path}.factTableId`}
          render={({ field }) => (
            <Field id={id('fact-table')} label="Fact table" error={errorAt(errors, `${path}.factTableId`)}>
              {(props) => (
                <Select
                  {...props}
                  ref={field.ref}
                  name={field.name}
                  value={field.value ?? ''}
                  onBlur={field.onBlur}
                  onChange={(event) => {
                    field.onChange(event.target.value);
                    setValue(`${path}.column`, null);
                    setValue(`${path}.rowFilterIds`, []);
                    if (which === 'operand') setValue('definition.breakdowns', []);
                  }}
                >
                  <option value="" disabled>
                    Pick a fact table
                  </option>
                  {factTables.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        />
        <Controller
          control={control}
          name={`${path}.aggregation`}
          render={({ field }) => (
            <Field id={id('aggregation')} label="Aggregation" error={errorAt(errors, `${path}.aggregation`)}>
              {(props) => (
                <Select
                  {...props}
                  ref={field.ref}
                  name={field.name}
                  value={field.value}
                  onBlur={field.onBlur}
                  onChange={(event) => {
                    const next = event.target.value as Aggregation;
                    field.onChange(next);
                    const column = table?.columns.find((c) => c.name === getValues(`${path}.column`));
                    if (next === 'count' || (column && !isColumnFit(next, column.type))) {
                      setValue(`${path}.column`, null);
                    }
                  }}
                >
                  {AGGREGATIONS.map((a) => (
                    <option key={a} value={a}>
                      {AGGREGATION_LABELS[a]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        />
        <Controller
          control={control}
          name={`${path}.column`}
          render={({ field }) => (
            <Field
              id={id('column')}
              label="Column"
              error={errorAt(errors, `${path}.column`)}
              hint={columnHint(aggregation, table, fitting.length)}
            >
              {(props) => (
                <Select
                  {...props}
                  ref={field.ref}
                  name={field.name}
                  value={field.value ?? ''}
                  onBlur={field.onBlur}
                  onChange={(event) => field.onChange(event.target.value === '' ? null : event.target.value)}
                >
                  {aggregation === 'count' ? (
                    <option value="">Rows (every row)</option>
                  ) : (
                    <option value="" disabled>
                      {fitting.length === 0 ? 'No column fits' : 'Pick a column'}
                    </option>
                  )}
                  {fitting.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name} ({c.type})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        />
      </div>
      <RowFilterChoices which={which} table={table} />
    </fieldset>
  );
}

function columnHint(aggregation: Aggregation, table: FactTableOption | undefined, fitting: number) {
  if (!table) return 'Pick a fact table first.';
  if (aggregation === 'count') return 'Rows, or the rows where a column is not null.';
  if (fitting === 0) return `${table.name} has no column that ${AGGREGATION_LABELS[aggregation]} can read.`;
  if (aggregation === 'min' || aggregation === 'max') return 'A number or timestamp column.';
  if (aggregation === 'count_distinct') return 'Distinct values of any column.';
  return 'A number column.';
}

function RowFilterChoices({ which, table }: { which: OperandKey; table: FactTableOption | undefined }) {
  const { control, formState } = useMetricForm();
  const name = `definition.${which}.rowFilterIds` as const;
  const error = errorUnder(formState.errors, name);
  const groupId = `metric-${which}-row-filters`;
  if (!table) return null;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const selected = new Set(field.value ?? []);
        const toggle = (filterId: string) =>
          field.onChange(
            table.rowFilters
              .map((f) => f.id)
              .filter((fid) => (fid === filterId ? !selected.has(fid) : selected.has(fid))),
          );
        const hint =
          table.rowFilters.length === 0
            ? `${table.name} has no row filters; add them on the fact table.`
            : 'Only rows matching every checked filter are aggregated.';
        return (
          <fieldset {...fieldControlProps(groupId, { hint, error })}>
            <legend className="mb-1 block text-sm font-medium">Row filters</legend>
            <div className="flex flex-wrap gap-2">
              {table.rowFilters.map((filter, i) => (
                <label key={filter.id} className={CHECK_CHIP}>
                  <input
                    type="checkbox"
                    ref={i === 0 ? field.ref : undefined}
                    checked={selected.has(filter.id)}
                    onChange={() => toggle(filter.id)}
                    className="accent-brand-600"
                  />
                  <span className="font-medium">{filter.name}</span>
                  <code className="text-xs text-slate-500 dark:text-slate-400">{filter.expression}</code>
                </label>
              ))}
            </div>
            <FieldError id={groupId} message={error} />
            <FieldHint id={groupId}>{hint}</FieldHint>
          </fieldset>
        );
      }}
    />
  );
}

/** Up to three columns to break the series down by, each keeping its top N values. */
export function BreakdownFields({ factTables }: { factTables: FactTableOption[] }) {
  const { control, register, formState } = useMetricForm();
  const { errors } = formState;
  const factTableId = useWatch({ control, name: 'definition.operand.factTableId' });
  const breakdowns = useWatch({ control, name: 'definition.breakdowns' }) ?? [];
  const table = factTables.find((t) => t.id === factTableId);
  const groupable = (table?.columns ?? []).filter((c) => isBreakdownColumn(c.type));
  const error = errorUnder(errors, 'definition.breakdowns');
  const groupId = 'metric-breakdowns';
  const hint = table
    ? `At most ${MAX_BREAKDOWNS}. Each keeps its top values per bucket and folds the rest into (other).`
    : 'Pick a fact table first.';

  return (
    <div className="grid gap-4 md:grid-cols-[1fr_10rem]">
      <Controller
        control={control}
        name="definition.breakdowns"
        render={({ field }) => {
          const selected = new Set(field.value ?? []);
          const full = selected.size >= MAX_BREAKDOWNS;
          const toggle = (column: string) =>
            field.onChange(
              groupable.map((c) => c.name).filter((n) => (n === column ? !selected.has(n) : selected.has(n))),
            );
          return (
            <fieldset {...fieldControlProps(groupId, { hint, error })}>
              <legend className="mb-1 block text-sm font-medium">Breakdown dimensions</legend>
              <div className="flex flex-wrap gap-2">
                {groupable.map((column, i) => (
                  <label key={column.name} className={CHECK_CHIP}>
                    <input
                      type="checkbox"
                      ref={i === 0 ? field.ref : undefined}
                      checked={selected.has(column.name)}
                      disabled={full && !selected.has(column.name)}
                      onChange={() => toggle(column.name)}
                      className="accent-brand-600"
                    />
                    <span className="font-mono text-xs">{column.name}</span>
                    <Badge tone={TYPE_TONE[column.type]}>{column.type}</Badge>
                  </label>
                ))}
              </div>
              <FieldError id={groupId} message={error} />
              <FieldHint id={groupId}>{hint}</FieldHint>
            </fieldset>
          );
        }}
      />
      {breakdowns.length > 0 ? (
        <Field
          id="metric-top-n"
          label="Top values kept"
          error={errorAt(errors, 'definition.topN')}
          hint="1 to 50 per dimension."
        >
          {(props) => (
            <Input
              {...props}
              type="number"
              min={1}
              max={50}
              {...register('definition.topN', { valueAsNumber: true })}
            />
          )}
        </Field>
      ) : null}
    </div>
  );
}
