import { createAlertRule, listAlertRules } from '@/lib/alerts/service';
import { requireApiContext } from '@/lib/api/context';
import { ops } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(ops.listAlertRules, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  await input(ctx);
  return { data: await listAlertRules({ ctx }), nextCursor: null };
});

export const POST = apiRoute(ops.createAlertRule, async ({ request, params, input }) => {
  const ctx = await requireApiContext(request, params.project);
  const { body } = await input(ctx);
  return createAlertRule({ ctx, input: body });
});
