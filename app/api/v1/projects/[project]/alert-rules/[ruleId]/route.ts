import { deleteAlertRule, getAlertRule } from '@/lib/alerts/service';
import { patchAlertRule } from '@/lib/api/alert-rules';
import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.getAlertRule, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return getAlertRule({ ctx, input: { id: params.ruleId } });
});

export const PATCH = apiRoute(ops.updateAlertRule, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return patchAlertRule({ ctx, ruleId: params.ruleId, patch: body });
});

export const DELETE = apiRoute(ops.deleteAlertRule, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return deleteAlertRule({ ctx, input: { id: params.ruleId } });
});
