'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { importDefinitions } from '@/lib/definitions/service';

/** A dry run, or with `apply: true` the import itself; the verb parses the input with its strict schema. */
export async function importDefinitionsAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await importDefinitions({ ctx, input });
    if (result.applied) revalidatePath(`/p/${ctx.project.slug}`, 'layout');
    return result;
  });
}
