/** PATCH of a fact table: the stored one with the given fields replaced, saved through the update verb. */
import type { z } from 'zod';
import { requireRole, type ServiceContext } from '@/lib/context';
import { getFactTable, updateFactTable, type FactTableDto } from '@/lib/fact-tables/service';
import type { factTablePatchBodySchema } from './schemas';

export async function patchFactTable({
  ctx,
  factTableId,
  patch,
}: {
  ctx: ServiceContext;
  factTableId: string;
  patch: z.input<typeof factTablePatchBodySchema>;
}): Promise<FactTableDto> {
  requireRole(ctx, 'editor');
  const current = await getFactTable({ ctx, input: { id: factTableId } });
  return updateFactTable({
    ctx,
    input: {
      name: current.name,
      description: current.description,
      dataSourceId: current.dataSourceId,
      sql: current.sql,
      timestampColumn: current.timestampColumn,
      identifierColumns: current.identifierColumns,
      rowFilters: current.rowFilters.map(({ id, name, expression }) => ({ id, name, expression })),
      ...patch,
      id: factTableId,
    },
  });
}
