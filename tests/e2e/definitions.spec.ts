import { expect, test } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { signInThroughForm } from './fixtures';

test('fact tables show their SQL, typed columns and row filters', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.getByRole('link', { name: 'Fact tables' }).click();
  const orders = page.getByRole('region', { name: 'Orders' });
  await expect(orders.getByText('SELECT order_id, created_at')).toBeVisible();
  await expect(orders.getByLabel('Columns').getByText('created_at · time')).toBeVisible();
  await expect(orders.getByText("status = 'completed'")).toBeVisible();
});

test('data sources list the demo warehouse', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(`/p/${DEMO_PROJECT.slug}/sources`);
  await expect(page.getByText('Demo warehouse', { exact: true })).toBeVisible();
  await expect(page.getByText('Embedded demo warehouse')).toBeVisible();
});
