import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { readSeries } from '@/lib/api/series';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getMetricSeries, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { query } = await input(ctx);
  return readSeries({
    ctx,
    metricId: params.metricId,
    query,
    ifNoneMatch: request.headers.get('if-none-match'),
  });
});
