import { requireApiContext } from '@/lib/api/context';
import { patchMetric } from '@/lib/api/metrics';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { getMetric } from '@/lib/metrics/service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getMetric, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return getMetric({ ctx, input: { metricId: params.metricId } });
});

export const PATCH = apiRoute(ops.updateMetric, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return patchMetric({ ctx, metricId: params.metricId, patch: body });
});
