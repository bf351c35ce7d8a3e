/**
 * CSV downloads from route handlers: the body streams from the export's lines; failures answer like every
 * other route, `{ error: { code, message } }` with the error's status, before anything is streamed.
 */
import { randomUUID } from 'node:crypto';
import { AppError, statusOf, toPublicError } from '@/lib/errors';
import { log } from '@/lib/log';

export function csvResponse({
  filename,
  lines,
}: {
  filename: string;
  lines: AsyncIterable<string>;
}): Response {
  const encoder = new TextEncoder();
  const iterator = lines[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      // The name is built from [a-z0-9-] only, so it needs no quoting rules beyond the quotes.
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function csvErrorResponse(error: unknown): Response {
  const ref = randomUUID().slice(0, 8);
  if (!(error instanceof AppError)) log.error('csv export failed', { ref, error });
  return Response.json(
    { error: toPublicError(error, ref) },
    { status: statusOf(error), headers: { 'Cache-Control': 'no-store' } },
  );
}
