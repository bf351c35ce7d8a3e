import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { previewFactTable } from '@/lib/fact-tables/service';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(ops.previewFactTable, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return previewFactTable({ ctx, input: body });
});
