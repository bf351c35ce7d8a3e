import { requireApiContext } from '@/lib/api/context';
import { patchFactTable } from '@/lib/api/fact-tables';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { getFactTable } from '@/lib/fact-tables/service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getFactTable, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return getFactTable({ ctx, input: { id: params.factTableId } });
});

export const PATCH = apiRoute(ops.updateFactTable, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return patchFactTable({ ctx, factTableId: params.factTableId, patch: body });
});
