'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import { createDataSource, deleteDataSource, testDataSource, updateDataSource } from '@/lib/sources/service';

export async function createDataSourceAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await createDataSource({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/sources`);
    return result;
  });
}

export async function updateDataSourceAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await updateDataSource({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/sources`, 'layout');
    return result;
  });
}

export async function deleteDataSourceAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await deleteDataSource({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/sources`, 'layout');
    return result;
  });
}

/** The result (and any error) is stored on the data source, so its pages are revalidated too. */
export async function testDataSourceAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await testDataSource({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/sources`, 'layout');
    return result;
  });
}
