import { requireApiContext } from '@/lib/api/context';
import { setMetricLifecycle } from '@/lib/api/metrics';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(ops.archiveMetric, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return setMetricLifecycle({ ctx, metricId: params.metricId, lifecycle: 'archived' });
});
