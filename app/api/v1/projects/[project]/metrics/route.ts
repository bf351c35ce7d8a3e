import { requireApiContext } from '@/lib/api/context';
import { listMetricsPage } from '@/lib/api/metrics';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { createMetric } from '@/lib/metrics/service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.listMetrics, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { query } = await input(ctx);
  return listMetricsPage({ ctx, query });
});

export const POST = apiRoute(ops.createMetric, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return createMetric({ ctx, input: body });
});
