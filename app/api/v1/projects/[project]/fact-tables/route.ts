import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { createFactTable, listFactTables } from '@/lib/fact-tables/service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.listFactTables, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return { data: await listFactTables({ ctx }), nextCursor: null };
});

export const POST = apiRoute(ops.createFactTable, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return createFactTable({ ctx, input: body });
});
