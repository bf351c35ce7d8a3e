import type { JsonValue } from '@/lib/fact-tables/json-safe';
import type { FactTablePreview } from '@/lib/fact-tables/service';
import { ColumnChips } from './column-chips';

function formatRowCount(preview: Pick<FactTablePreview, 'rowCount' | 'capped'>): string {
  return preview.capped ? `${preview.rowCount}+` : String(preview.rowCount);
}

function Cell({ value }: { value: JsonValue | undefined }) {
  if (value === null || value === undefined)
    return <span className="text-slate-500 italic dark:text-slate-400">null</span>;
  if (typeof value === 'object') return <>{JSON.stringify(value)}</>;
  return <>{String(value)}</>;
}

/** What a preview returned: row count (capped), time, typed columns and the sample rows. */
export function PreviewResult({
  preview,
  label,
  title,
  maxRows,
  showColumns = true,
}: {
  preview: FactTablePreview;
  label: string;
  /** Shown before the row count, for a result that sits among other fields. */
  title?: string;
  maxRows?: number;
  showColumns?: boolean;
}) {
  const rows = maxRows === undefined ? preview.rows : preview.rows.slice(0, maxRows);
  return (
    <section aria-label={label} className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {title ? <span className="font-medium text-slate-900 dark:text-slate-100">{title}: </span> : null}
        <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="preview-row-count">
          {formatRowCount(preview)}
        </span>{' '}
        {preview.rowCount === 1 && !preview.capped ? 'row' : 'rows'} · {preview.elapsedMs} ms
        {rows.length < preview.rows.length ? ` · showing the first ${rows.length}` : null}
      </p>
      {showColumns ? <ColumnChips columns={preview.columns} /> : null}
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">The query returned no rows.</p>
      ) : (
        <div className="max-h-80 overflow-auto rounded-md border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left font-mono text-xs">
            <thead className="sticky top-0 bg-slate-50 text-slate-500 dark:text-slate-400 dark:bg-slate-900">
              <tr>
                {preview.columns.map((column) => (
                  <th key={column.name} scope="col" className="px-2 py-1.5 font-medium whitespace-nowrap">
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((row, i) => (
                <tr key={i}>
                  {preview.columns.map((column) => (
                    <td key={column.name} className="max-w-64 truncate px-2 py-1 whitespace-nowrap">
                      <Cell value={row[column.name]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
