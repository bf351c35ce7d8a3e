'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { updateProjectRetention } from '@/lib/projects/retention-settings';

/** The verb parses the input with its strict schema; field errors come back keyed by window. */
export async function updateProjectRetentionAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const retention = await updateProjectRetention({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/settings`);
    return retention;
  });
}
