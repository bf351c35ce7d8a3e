import { SqlEditor } from '@/components/ui/sql-editor';
import type { FactTableDto } from '@/lib/fact-tables/service';
import { ColumnChips } from './column-chips';

/** A fact table for those who may read it but not change it: no form controls at all. */
export function FactTableDetail({
  factTable,
  dataSourceName,
}: {
  factTable: FactTableDto;
  dataSourceName: string;
}) {
  return (
    <div className="max-w-5xl space-y-8">
      <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-600 dark:text-slate-400">Data source</dt>
        <dd>{dataSourceName}</dd>
        <dt className="font-medium text-slate-600 dark:text-slate-400">Timestamp column</dt>
        <dd className="font-mono">{factTable.timestampColumn}</dd>
        <dt className="font-medium text-slate-600 dark:text-slate-400">Identifier columns</dt>
        <dd className="font-mono">
          {factTable.identifierColumns.length > 0 ? factTable.identifierColumns.join(', ') : '—'}
        </dd>
      </dl>

      <SqlEditor id="fact-table-sql" label="SQL" value={factTable.sql} readOnly minHeight="4rem" />

      <section aria-labelledby="fact-table-columns">
        <h2 id="fact-table-columns" className="mb-2 text-base font-semibold">
          Columns
        </h2>
        <ColumnChips columns={factTable.columns} />
      </section>

      <section aria-labelledby="fact-table-row-filters">
        <h2 id="fact-table-row-filters" className="mb-2 text-base font-semibold">
          Row filters
        </h2>
        {factTable.rowFilters.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No row filters.</p>
        ) : (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
            {factTable.rowFilters.map((filter) => (
              <div key={filter.id} className="contents">
                <dt className="font-medium">{filter.name}</dt>
                <dd>
                  <code className="text-xs">{filter.expression}</code>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
    </div>
  );
}
