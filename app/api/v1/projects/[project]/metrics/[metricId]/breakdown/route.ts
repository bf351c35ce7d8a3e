import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { readBreakdown } from '@/lib/api/series';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getMetricBreakdown, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { query } = await input(ctx);
  return readBreakdown({ ctx, metricId: params.metricId, query });
});
