'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { previewMetricSeries } from '@/lib/collection/service';
import { requireProjectContext } from '@/lib/auth/session';
import { createMetric, deleteMetric, setMetricsLifecycle, updateMetric } from '@/lib/metrics/service';

export async function setMetricsLifecycleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await setMetricsLifecycle({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`);
    return result;
  });
}

export async function createMetricAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const metric = await createMetric({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`);
    return { id: metric.id, version: metric.version };
  });
}

export async function updateMetricAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const { metric, changed, definitionChanged } = await updateMetric({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`);
    revalidatePath(`/p/${ctx.project.slug}/metrics/${metric.id}`);
    return { id: metric.id, version: metric.version, changed, definitionChanged };
  });
}

export async function deleteMetricAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await deleteMetric({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/metrics`);
    return result;
  });
}

/** Runs the form's definition over the latest settled buckets, writing nothing. */
export async function previewMetricSeriesAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    return previewMetricSeries({ ctx, input });
  });
}
