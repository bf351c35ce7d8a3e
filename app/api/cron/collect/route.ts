import { requireCronSecret } from '@/lib/auth/cron';
import { runScheduledCollection } from '@/lib/collection/scheduled';
import { jsonRoute } from '@/lib/http';

export const dynamic = 'force-dynamic';
/** Vercel stops the function after this; the collection budget (COLLECT_BUDGET_SECONDS) leaves room to answer. */
export const maxDuration = 60;

/** Vercel Cron calls GET. */
export async function GET(request: Request): Promise<Response> {
  return jsonRoute(
    async () => {
      requireCronSecret(request);
      return runScheduledCollection({ trigger: 'cron-route' });
    },
    { request },
  );
}

/** Other schedulers may POST. */
export async function POST(request: Request): Promise<Response> {
  return jsonRoute(
    async () => {
      requireCronSecret(request);
      return runScheduledCollection({ trigger: 'cron-route' });
    },
    { request },
  );
}
