import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { getRun } from '@/lib/collection/service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getRun, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return getRun({ ctx, input: { runId: params.runId } });
});
