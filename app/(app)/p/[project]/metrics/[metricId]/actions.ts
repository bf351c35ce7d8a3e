'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { createAnnotation, deleteAnnotation, updateAnnotation } from '@/lib/annotations/service';
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

export async function createAnnotationAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const annotation = await createAnnotation({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`, 'layout');
    return annotation;
  });
}

export async function updateAnnotationAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const annotation = await updateAnnotation({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`, 'layout');
    return annotation;
  });
}

export async function deleteAnnotationAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const deleted = await deleteAnnotation({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`, 'layout');
    return deleted;
  });
}
