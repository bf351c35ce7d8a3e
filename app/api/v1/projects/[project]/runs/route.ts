import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { listRunsPage, startApiRun } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.listRuns, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { query } = await input(ctx);
  return listRunsPage({ ctx, query });
});

export const POST = apiRoute(ops.startRun, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return startApiRun({ ctx, body });
});
