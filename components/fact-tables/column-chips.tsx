import { Badge } from '@/components/ui/badge';
import type { WarehouseColumn } from '@/lib/warehouse/types';
import { TYPE_TONE } from './type-tone';

/** Column names with their type bucket. */
export function ColumnChips({ columns }: { columns: readonly Pick<WarehouseColumn, 'name' | 'type'>[] }) {
  return (
    <ul aria-label="Columns" className="flex flex-wrap gap-1.5">
      {columns.map((column) => (
        <li
          key={column.name}
          className="inline-flex items-center gap-1.5 rounded-md border border-slate-200 px-2 py-1 text-xs dark:border-slate-800"
        >
          <span className="font-mono">{column.name}</span>
          <Badge tone={TYPE_TONE[column.type]}>{column.type}</Badge>
        </li>
      ))}
    </ul>
  );
}
