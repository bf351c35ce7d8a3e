/**
 * The export as a download: YAML with a file name, or the usual `{ error: { code, message } }` with the error's
 * status when the export is refused.
 */
import { randomUUID } from 'node:crypto';
import { AppError, statusOf, toPublicError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { DefinitionsExport } from './service';

export function definitionsResponse({ filename, yaml }: DefinitionsExport): Response {
  // Slugs are already plain; this keeps the header safe whatever a slug may hold one day.
  const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '-');
  return new Response(yaml, {
    headers: {
      'Content-Type': 'application/yaml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${safeName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function definitionsErrorResponse(error: unknown): Response {
  const ref = randomUUID().slice(0, 8);
  if (!(error instanceof AppError)) log.error('definitions export failed', { ref, error });
  return Response.json(
    { error: toPublicError(error, ref) },
    { status: statusOf(error), headers: { 'Cache-Control': 'no-store' } },
  );
}
