import { requireProjectContext } from '@/lib/auth/session';
import { getRun } from '@/lib/collection/service';
import { jsonRoute } from '@/lib/http';

export const dynamic = 'force-dynamic';

/** A run's current state, polled by its page while it runs. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ project: string; runId: string }> },
) {
  return jsonRoute(async () => {
    const { project, runId } = await params;
    const ctx = await requireProjectContext(project);
    return getRun({ ctx, input: { runId } });
  });
}
