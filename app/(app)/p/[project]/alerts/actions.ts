'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/lib/actions';
import {
  createAlertRule,
  deleteAlertRule,
  snoozeAlertRule,
  unsnoozeAlertRule,
  updateAlertRule,
} from '@/lib/alerts/service';
import { previewRule } from '@/lib/alerts/preview-rule';
import { sendTest } from '@/lib/alerts/send-test';
import { requireProjectContext } from '@/lib/auth/session';

export async function createAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const rule = await createAlertRule({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return rule;
  });
}

export async function updateAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const rule = await updateAlertRule({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return rule;
  });
}

export async function deleteAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await deleteAlertRule({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return result;
  });
}

export async function snoozeAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const rule = await snoozeAlertRule({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return rule;
  });
}

export async function unsnoozeAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const rule = await unsnoozeAlertRule({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return rule;
  });
}

/** The attempt is logged with the recent deliveries, so the page is revalidated too. */
export async function sendTestAlertAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    const result = await sendTest({ ctx, input });
    revalidatePath(`/p/${ctx.project.slug}/alerts`);
    return result;
  });
}

/** How often the form's rule would have fired over the last 30 days; writes nothing. */
export async function previewAlertRuleAction(projectSlug: unknown, input: unknown) {
  return runAction(async () => {
    const ctx = await requireProjectContext(String(projectSlug));
    return previewRule({ ctx, input });
  });
}
