import { expect, test } from '@playwright/test';
import { catalogPath, signInThroughForm } from './fixtures';

test('search and filters narrow the catalog and live in the URL', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.getByRole('searchbox', { name: 'Search' }).fill('revenue');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=revenue/);
  const rows = page.getByRole('row');
  await expect(rows.filter({ hasText: 'Revenue per active user' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Session conversion' })).toHaveCount(0);

  await page.goto(`${catalogPath}?kind=sql`);
  await expect(page.getByLabel('Kind')).toHaveValue('sql');
  await expect(page.getByRole('row').filter({ hasText: 'Daily active users' })).toHaveCount(1);
  await expect(page.getByRole('row')).toHaveCount(2);

  await page.goto(`${catalogPath}?lifecycle=archived&kind=bogus`);
  await expect(page.getByText('No metric matches these filters')).toBeVisible();
});

test('an editor archives a metric and activates it again', async ({ page }) => {
  await signInThroughForm(page, 'editor');
  const row = page.getByRole('row').filter({ hasText: 'Deployment failure rate' });
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByRole('status')).toHaveText('1 metric(s) now archived.');
  await expect(row.getByText('archived')).toBeVisible();

  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(row.getByText('active', { exact: true })).toBeVisible();
});
