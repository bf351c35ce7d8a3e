import { expect, test } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { signInThroughForm } from './fixtures';

const alertsPath = `/p/${DEMO_PROJECT.slug}/alerts`;

test('an editor previews a rule, is refused a private webhook target, saves, snoozes and deletes it', async ({
  page,
}) => {
  const name = `Orders spike ${Date.now()}`;
  await signInThroughForm(page, 'editor');
  await page.goto(alertsPath);
  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Condition').selectOption('above');
  await form.getByLabel('Threshold').fill('0');
  await expect(form.getByText(/In the last 30 days this rule would have fired \d+ time/)).toBeVisible();

  await form.getByLabel('Webhook URL').fill('https://10.0.0.5/hooks/secret-path');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(form.getByLabel('Signing secret')).toHaveValue(/^whsec_/);
  await form.getByRole('button', { name: 'Create rule' }).click();
  await expect(form.getByText(/10\.0\.0\.5 is a private address/).first()).toBeVisible();

  // A public address literal: accepted on save without a DNS lookup.
  await form.getByLabel('Webhook URL').fill('https://93.184.216.34/hooks/e2e-secret-path');
  await form.getByRole('button', { name: 'Create rule' }).click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
  await expect(card.getByText('93.184.216.34/••••••')).toBeVisible();
  await expect(page.getByText('e2e-secret-path')).toHaveCount(0);

  await card.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: `Edit ${name}` });
  await expect(edit.getByText('Now: 93.184.216.34/••••••. Leave empty to keep it.')).toBeVisible();
  await expect(edit.getByLabel('Webhook URL')).toHaveValue('');
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await card.getByRole('button', { name: 'Snooze', exact: true }).click();
  await expect(card.getByText(/snoozed until/)).toBeVisible();
  await card.getByRole('button', { name: 'Unsnooze' }).click();
  await expect(card.getByText(/snoozed until/)).toHaveCount(0);

  await card.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name })).toHaveCount(0);
});

test('a viewer sees rules and deliveries but no controls', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(alertsPath);
  await expect(page.getByRole('heading', { name: 'Alert rules', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Recent deliveries' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New rule' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send test' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
});
