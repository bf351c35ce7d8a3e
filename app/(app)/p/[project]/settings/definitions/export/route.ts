import { requireProjectContext } from '@/lib/auth/session';
import { definitionsErrorResponse, definitionsResponse } from '@/lib/definitions/download';
import { exportDefinitions } from '@/lib/definitions/service';

export const dynamic = 'force-dynamic';

/** The project's definitions as one YAML file (no secrets). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ project: string }> },
): Promise<Response> {
  try {
    const ctx = await requireProjectContext((await params).project);
    return definitionsResponse(await exportDefinitions({ ctx }));
  } catch (error) {
    return definitionsErrorResponse(error);
  }
}
