import { ops } from '@/lib/api/operations';
import { openApiDocument } from '@/lib/api/openapi';
import { apiRoute } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

/** Public: the document describes the API, never any data. */
export const GET = apiRoute(ops.openapi, async () => openApiDocument());
