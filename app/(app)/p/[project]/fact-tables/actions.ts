'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import { requireProjectContext } from '@/lib/auth/session';
import {
  createFactTable,
  deleteFactTable,
  previewFactTable,
  updateFactTable,
} from '@/lib/fact-tables/service';

export async function previewFactTableAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    return previewFactTable({ ctx, input });
  });
}

export async function createFactTableAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await createFactTable({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/fact-tables`);
    return result;
  });
}

export async function updateFactTableAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await updateFactTable({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/fact-tables`, 'layout');
    return result;
  });
}

export async function deleteFactTableAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await deleteFactTable({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/fact-tables`, 'layout');
    return result;
  });
}
