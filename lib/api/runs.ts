/**
 * Collection runs through the API: collect now or backfill (by default every active metric), started right
 * after the response like the runs page does; when nothing runs after the response (a script, a test) the
 * queued run is left for the next collection tick.
 */
import { after } from 'next/server';
import type { z } from 'zod';
import {
  executeQueuedRun,
  listRuns,
  startBackfill,
  startCollection,
  type RunDto,
} from '@/lib/collection/service';
import { requireRole, type ServiceContext } from '@/lib/context';
import { AppError, type FieldErrors } from '@/lib/errors';
import { log } from '@/lib/log';
import { listCatalog } from '@/lib/metrics/service';
import type { runListQuerySchema, RunStartBody } from './schemas';

/** Runs per page of the run list (the verb's own page size). */
export const RUN_PAGE_SIZE = 50;

export async function listRunsPage({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: z.output<typeof runListQuerySchema>;
}): Promise<{ data: RunDto[]; nextCursor: string | null }> {
  const runs = await listRuns({ ctx, input: query.cursor ? { before: query.cursor } : {} });
  const last = runs[runs.length - 1];
  return { data: runs, nextCursor: runs.length >= RUN_PAGE_SIZE && last ? last.createdAt : null };
}

/** The backfill verb names its range start/end; the API (like the form) says from/to. */
function renameRangeFields(error: unknown): unknown {
  if (!(error instanceof AppError) || !error.fieldErrors) return error;
  const names: Record<string, string> = { start: 'from', end: 'to' };
  const fieldErrors: FieldErrors = {};
  for (const [path, message] of Object.entries(error.fieldErrors)) fieldErrors[names[path] ?? path] = message;
  return new AppError(error.code, error.message, { fieldErrors, cause: error });
}

export async function startApiRun({
  ctx,
  body,
}: {
  ctx: ServiceContext;
  body: RunStartBody;
}): Promise<RunDto> {
  requireRole(ctx, 'editor');
  let run: RunDto;
  if (body.kind === 'collect') {
    run = await startCollection({ ctx, input: body.metricIds ? { metricIds: body.metricIds } : {} });
  } else {
    const metricIds =
      body.metricIds ??
      (await listCatalog({ ctx, input: { lifecycle: 'active' } })).map((metric) => metric.id);
    if (metricIds.length === 0) {
      throw new AppError('validation', 'There is no active metric to backfill.', {
        fieldErrors: { metricIds: 'Activate a metric, or list the metrics to backfill.' },
      });
    }
    try {
      run = await startBackfill({ ctx, input: { metricIds, start: body.from, end: body.to } });
    } catch (error) {
      throw renameRangeFields(error);
    }
  }
  executeAfterResponse(run.id);
  return run;
}

function executeAfterResponse(runId: string): void {
  try {
    after(async () => {
      try {
        await executeQueuedRun(runId);
      } catch (error) {
        log.error('queued collection run failed', { runId, error });
      }
    });
  } catch {
    log.debug('no request scope to run after; the next collection tick takes the run', { runId });
  }
}
