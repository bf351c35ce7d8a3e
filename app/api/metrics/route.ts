import { jsonRoute } from '@/lib/http';
import { requireMetricsToken } from '@/lib/ops/metrics-auth';
import { scrapeMetrics } from '@/lib/ops/prometheus';
import { REQUEST_ID_HEADER, requestIdOf } from '@/lib/ops/request-id';

export const dynamic = 'force-dynamic';

/**
 * Prometheus scrape target (docs/operations.md): `Authorization: Bearer <METRICS_TOKEN>`. Answers in the text
 * exposition format; refusals and failures answer like every other route, in JSON.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    requireMetricsToken(request);
    const { contentType, body } = await scrapeMetrics();
    return new Response(body, {
      headers: {
        'Content-Type': contentType,
        'Cache-Control': 'no-store',
        [REQUEST_ID_HEADER]: requestIdOf(request),
      },
    });
  } catch (error) {
    return jsonRoute(() => Promise.reject(error), { request });
  }
}
