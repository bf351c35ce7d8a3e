import { getHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Public on purpose (load balancers, Playwright's webServer); reveals only ok / pending / unreachable. */
export async function GET() {
  const health = await getHealth();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
