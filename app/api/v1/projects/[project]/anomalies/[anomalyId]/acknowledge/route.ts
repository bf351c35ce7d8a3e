import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';
import { acknowledgeAnomalies } from '@/lib/inbox/triage';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(ops.acknowledgeAnomaly, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return acknowledgeAnomalies({ ctx, input: { ...body, anomalyId: params.anomalyId } });
});
