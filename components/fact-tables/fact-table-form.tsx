'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { FormProblem, type FormProblemValue } from '@/components/forms/form-problem';
import { applyServerFieldErrors, errorAt } from '@/components/forms/server-errors';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClassName } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';
import { SqlEditor } from '@/components/ui/sql-editor';
import type { ActionResult } from '@/lib/actions';
import { factTableInputSchema, type FactTableInput } from '@/lib/fact-tables/schemas';
import type { FactTableDto, FactTablePreview } from '@/lib/fact-tables/service';
import { ColumnFields } from './column-fields';
import type { FactTableFormValues } from './form-values';
import { PreviewResult } from './preview-result';
import { RowFilterFields } from './row-filter-fields';

type Action<I, O> = (projectSlug: string, input: I) => Promise<ActionResult<O>>;

export type FactTableFormActions = {
  preview: Action<unknown, FactTablePreview>;
  save: Action<unknown, FactTableDto>;
  remove?: Action<{ id: string }, { id: string }>;
};

const TOP_LEVEL_FIELDS = new Set(['name', 'description', 'dataSourceId', 'sql', 'timestampColumn']);

function toDefaultValues(
  factTable: FactTableDto | undefined,
  dataSources: { id: string }[],
): FactTableFormValues {
  if (!factTable) {
    return {
      name: '',
      description: '',
      dataSourceId: dataSources[0]?.id ?? '',
      sql: '',
      timestampColumn: '',
      identifierColumns: [],
      rowFilters: [],
    };
  }
  return {
    name: factTable.name,
    description: factTable.description,
    dataSourceId: factTable.dataSourceId,
    sql: factTable.sql,
    timestampColumn: factTable.timestampColumn,
    identifierColumns: factTable.identifierColumns,
    rowFilters: factTable.rowFilters.map(({ id, name, expression }) => ({ id, name, expression })),
  };
}

/** Create or edit a fact table: details, the SELECT with a preview, its columns and its row filters. */
export function FactTableForm({
  projectSlug,
  dataSources,
  factTable,
  actions,
}: {
  projectSlug: string;
  dataSources: { id: string; name: string }[];
  factTable?: FactTableDto;
  actions: FactTableFormActions;
}) {
  const router = useRouter();
  const listPath = `/p/${projectSlug}/fact-tables`;
  const form = useForm<FactTableFormValues, unknown, FactTableInput>({
    resolver: zodResolver(factTableInputSchema),
    defaultValues: toDefaultValues(factTable, dataSources),
  });
  const { register, control, handleSubmit, setError, clearErrors, getValues, setValue } = form;
  const { errors, isSubmitting } = form.formState;
  const [preview, setPreview] = useState<FactTablePreview | null>(null);
  const [previewedSql, setPreviewedSql] = useState<string | null>(null);
  const [previewProblem, setPreviewProblem] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [problem, setProblem] = useState<FormProblemValue | null>(null);
  const [saved, setSaved] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const sql = useWatch({ control, name: 'sql' });
  const rowFilterCount = useWatch({ control, name: 'rowFilters' })?.length ?? 0;
  const columns = preview?.columns ?? factTable?.columns ?? [];
  const placeAt = (path: string): string | null => {
    if (TOP_LEVEL_FIELDS.has(path)) return path;
    if (/^identifierColumns(\.\d+)?$/.test(path)) return 'identifierColumns';
    const filter = /^rowFilters\.(\d+)\.(name|expression)$/.exec(path);
    return filter && Number(filter[1]) < rowFilterCount ? path : null;
  };

  /** Runs the preview; errors go beside the SQL or the row filter it ran with, anything else above the result. */
  async function runPreview(rowFilter?: { index: number; expression: string }) {
    const input = { dataSourceId: getValues('dataSourceId'), sql: getValues('sql') };
    clearErrors(['sql', 'dataSourceId']);
    const result = await actions.preview(
      projectSlug,
      rowFilter ? { ...input, rowFilter: rowFilter.expression } : input,
    );
    if (result.ok) return result.data;
    const filterPath = rowFilter ? `rowFilters.${rowFilter.index}.expression` : null;
    const unplaced = applyServerFieldErrors(result.fields, {
      setError,
      placeAt: (path) =>
        path === 'rowFilter' ? filterPath : path === 'sql' || path === 'dataSourceId' ? path : null,
    });
    if (Object.keys(result.fields ?? {}).length === 0 || unplaced.length > 0) {
      setPreviewProblem(result.message);
    }
    return null;
  }

  async function onPreview() {
    setPreviewing(true);
    setPreviewProblem(null);
    try {
      const submittedSql = getValues('sql');
      const data = await runPreview();
      if (!data) return;
      setPreview(data);
      setPreviewedSql(submittedSql);
      const names = new Set(data.columns.map((c) => c.name));
      setValue(
        'identifierColumns',
        (getValues('identifierColumns') ?? []).filter((c) => names.has(c)),
      );
      const timestamp = getValues('timestampColumn');
      if (!data.timestampColumns.includes(timestamp)) {
        setValue(
          'timestampColumn',
          data.timestampColumns.length === 1 ? (data.timestampColumns[0] ?? '') : '',
        );
      }
    } finally {
      setPreviewing(false);
    }
  }

  async function previewFilter(index: number) {
    setPreviewProblem(null);
    clearErrors(`rowFilters.${index}.expression`);
    return runPreview({ index, expression: getValues(`rowFilters.${index}.expression`) ?? '' });
  }

  const onSubmit = handleSubmit(async (values) => {
    setProblem(null);
    setSaved(false);
    const result = await actions.save(projectSlug, factTable ? { id: factTable.id, ...values } : values);
    if (result.ok) {
      if (factTable) {
        setSaved(true);
        router.refresh();
      } else {
        router.push(listPath);
      }
      return;
    }
    const details = applyServerFieldErrors(result.fields, { setError, placeAt });
    setProblem({ message: result.message, details });
  });

  async function onDelete() {
    if (!factTable || !actions.remove) return;
    setProblem(null);
    setDeleting(true);
    const result = await actions.remove(projectSlug, { id: factTable.id });
    if (result.ok) {
      router.push(listPath);
      return;
    }
    setDeleting(false);
    setProblem({ message: result.message, details: [] });
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="max-w-5xl space-y-8">
      <section aria-labelledby="fact-table-details" className="grid gap-4 md:grid-cols-2">
        <h2 id="fact-table-details" className="sr-only">
          Details
        </h2>
        <Field id="fact-table-name" label="Name" error={errorAt(errors, 'name')}>
          {(props) => <Input {...props} {...register('name')} autoComplete="off" />}
        </Field>
        <Field id="fact-table-source" label="Data source" error={errorAt(errors, 'dataSourceId')}>
          {(props) => (
            <Select {...props} {...register('dataSourceId')}>
              {dataSources.map((source) => (
                <option key={source.id} value={source.id}>
                  {source.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          id="fact-table-description"
          label="Description"
          error={errorAt(errors, 'description')}
          className="md:col-span-2"
        >
          {(props) => <Textarea {...props} {...register('description')} rows={2} />}
        </Field>
      </section>

      <section aria-labelledby="fact-table-query" className="space-y-3">
        <h2 id="fact-table-query" className="text-base font-semibold">
          Query
        </h2>
        <Controller
          control={control}
          name="sql"
          render={({ field }) => (
            <SqlEditor
              id="fact-table-sql"
              label="SQL"
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              focusRef={field.ref}
              error={errorAt(errors, 'sql')}
              hint="One read-only SELECT. Give every column a plain name (… AS name)."
              placeholder="SELECT order_id, created_at, amount, status FROM orders"
            />
          )}
        />
        <div className="flex items-center gap-3">
          <Button
            variant="secondary"
            onClick={() => void onPreview()}
            disabled={previewing || sql.trim() === ''}
          >
            {previewing ? 'Running preview…' : 'Preview'}
          </Button>
          {preview && previewedSql !== sql ? (
            <span className="text-sm text-amber-700 dark:text-amber-400">
              The SQL changed since this preview; preview again to refresh the columns.
            </span>
          ) : null}
        </div>
        {previewProblem ? <Alert tone="error">{previewProblem}</Alert> : null}
        {preview ? <PreviewResult preview={preview} label="Preview" /> : null}
      </section>

      <section aria-labelledby="fact-table-columns" className="space-y-4">
        <h2 id="fact-table-columns" className="text-base font-semibold">
          Columns
        </h2>
        <ColumnFields control={control} register={register} columns={columns} />
      </section>

      <section aria-labelledby="fact-table-row-filters" className="space-y-3">
        <h2 id="fact-table-row-filters" className="text-base font-semibold">
          Row filters
        </h2>
        <RowFilterFields
          control={control}
          register={register}
          previewFilter={previewFilter}
          readyToPreview={sql.trim() !== ''}
        />
      </section>

      <FormProblem problem={problem} />
      {saved ? <Alert tone="success">Fact table saved.</Alert> : null}

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-6 dark:border-slate-800">
        <Button type="submit" disabled={isSubmitting || deleting}>
          {isSubmitting ? 'Saving…' : factTable ? 'Save changes' : 'Create fact table'}
        </Button>
        <Link href={listPath} className={buttonClassName('ghost')}>
          Cancel
        </Link>
        {factTable && actions.remove ? (
          <div className="ml-auto">
            <ConfirmDialog
              triggerLabel={deleting ? 'Deleting…' : 'Delete fact table'}
              title={`Delete ${factTable.name}?`}
              confirmLabel="Delete"
              onConfirm={() => void onDelete()}
              disabled={isSubmitting || deleting}
            >
              Its row filters are deleted with it. Metrics that read it must be changed or deleted first.
            </ConfirmDialog>
          </div>
        ) : null}
      </div>
    </form>
  );
}
