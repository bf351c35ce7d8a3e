'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { acknowledgeAnomaly } from '@/lib/series/service';

export async function acknowledgeAnomalyAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const anomaly = await acknowledgeAnomaly({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`, 'layout');
    return { id: anomaly.id };
  });
}
