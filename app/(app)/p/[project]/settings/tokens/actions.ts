'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { createApiToken, revokeApiToken } from '@/lib/tokens/service';

/** The answer carries the token itself: the page shows it once and never again. */
export async function createApiTokenAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const created = await createApiToken({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/settings`);
    return created;
  });
}

export async function revokeApiTokenAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const token = await revokeApiToken({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/settings`);
    return token;
  });
}
