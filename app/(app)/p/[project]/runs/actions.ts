'use server';

import { revalidatePath } from 'next/cache';
import { after } from 'next/server';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { executeQueuedRun, startBackfill, startCollection } from '@/lib/collection/service';
import { log } from '@/lib/log';

/** The queued run starts right after the response; if this process stops first, the next tick takes it. */
function executeAfterResponse(runId: string) {
  after(async () => {
    try {
      await executeQueuedRun(runId);
    } catch (error) {
      log.error('queued collection run failed', { runId, error });
    }
  });
}

export async function startCollectionAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const run = await startCollection({ ctx, input });
    executeAfterResponse(run.id);
    revalidatePath(`/p/${ctx.project.slug}/runs`);
    return { id: run.id };
  });
}

export async function startBackfillAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const run = await startBackfill({ ctx, input });
    executeAfterResponse(run.id);
    revalidatePath(`/p/${ctx.project.slug}/runs`);
    return { id: run.id };
  });
}
