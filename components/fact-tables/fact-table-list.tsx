import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { FactTableDto } from '@/lib/fact-tables/service';
import { TYPE_TONE } from './type-tone';

export function FactTableList({
  factTables,
  projectSlug,
}: {
  factTables: FactTableDto[];
  projectSlug: string;
}) {
  return (
    <div className="space-y-4">
      {factTables.map((table) => (
        <section
          key={table.id}
          aria-labelledby={`fact-table-${table.id}`}
          className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
        >
          <h2 id={`fact-table-${table.id}`} className="text-base font-semibold">
            <Link href={`/p/${projectSlug}/fact-tables/${table.id}`} className="hover:underline">
              {table.name}
            </Link>
          </h2>
          {table.description ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{table.description}</p>
          ) : null}
          <pre className="mt-3 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-900">
            <code>{table.sql}</code>
          </pre>
          <div className="mt-3 flex flex-wrap gap-1.5" aria-label="Columns">
            {table.columns.map((column) => (
              <Badge key={column.name} tone={TYPE_TONE[column.type]}>
                {column.name === table.timestampColumn ? `${column.name} · time` : column.name}
              </Badge>
            ))}
          </div>
          {table.rowFilters.length > 0 ? (
            <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              {table.rowFilters.map((filter) => (
                <div key={filter.id} className="contents">
                  <dt className="font-medium">{filter.name}</dt>
                  <dd>
                    <code className="text-xs">{filter.expression}</code>
                  </dd>
                </div>
              ))}
            </dl>
          ) : null}
        </section>
      ))}
    </div>
  );
}
