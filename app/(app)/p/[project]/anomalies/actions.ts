'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { acknowledgeAnomalies, markExpected, unmarkExpected } from '@/lib/inbox/triage';

/** Acknowledged and expected marks show in the inbox, on anomaly pages and on metric drilldowns. */
function revalidate(projectSlug: string) {
  revalidatePath(`/p/${projectSlug}/anomalies`, 'layout');
  revalidatePath(`/p/${projectSlug}/metrics`, 'layout');
}

export async function acknowledgeAnomaliesAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await acknowledgeAnomalies({ ctx, input });
    revalidate(ctx.project.slug);
    return result;
  });
}

export async function markExpectedAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await markExpected({ ctx, input });
    revalidate(ctx.project.slug);
    return result;
  });
}

export async function unmarkExpectedAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await unmarkExpected({ ctx, input });
    revalidate(ctx.project.slug);
    return result;
  });
}
