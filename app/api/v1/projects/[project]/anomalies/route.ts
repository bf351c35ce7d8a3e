import { listAnomaliesPage } from '@/lib/api/anomalies';
import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.listAnomalies, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { query } = await input(ctx);
  return listAnomaliesPage({ ctx, query });
});
