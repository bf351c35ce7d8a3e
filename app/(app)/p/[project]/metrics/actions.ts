'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { setMetricsLifecycle } from '@/lib/metrics/service';

export async function setMetricsLifecycleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await setMetricsLifecycle({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`);
    return result;
  });
}
