import { requireProjectContext } from '@/lib/auth/session';
import { csvErrorResponse, csvResponse } from '@/lib/series/csv-response';
import { parseSeriesSearchParams } from '@/lib/series/search-params';
import { exportMetricCsv } from '@/lib/series/service';

export const dynamic = 'force-dynamic';

/** The shown range of a metric as CSV (`?breakdown=<dimension>` for one dimension's stored rows). */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ project: string; metricId: string }> },
): Promise<Response> {
  try {
    const { project, metricId } = await params;
    const ctx = await requireProjectContext(project);
    const query = parseSeriesSearchParams(new URL(request.url).searchParams);
    return csvResponse(await exportMetricCsv({ ctx, input: { ...query, metricId } }));
  } catch (error) {
    return csvErrorResponse(error);
  }
}
