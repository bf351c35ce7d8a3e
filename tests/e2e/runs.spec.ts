import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { signInThroughForm } from './fixtures';

const runsPath = `/p/${DEMO_PROJECT.slug}/runs`;

test('the demo collected its history, and an editor collects again and follows the run', async ({ page }) => {
  await signInThroughForm(page, 'editor');
  await page.goto(runsPath);
  await expect(page.getByRole('heading', { name: 'Collection runs' })).toBeVisible();
  // `npm run demo` collects before it serves: that run is listed, completed.
  await expect(page.getByRole('row').filter({ hasText: 'completed' }).first()).toBeVisible();

  await page.getByRole('button', { name: 'Collect now' }).click();
  await expect(page).toHaveURL(new RegExp(`${runsPath}/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { name: 'Manual run' })).toBeVisible();
  // The page follows the run live until it is done.
  await expect(page.getByText('completed', { exact: true })).toBeVisible({ timeout: 45_000 });
  const outcomes = page.getByRole('table', { name: 'Per-metric outcome' });
  await expect(outcomes.getByRole('row').filter({ hasText: 'Orders' }).first()).toContainText('ok');
  await page.screenshot({ path: 'docs/images/run.png', fullPage: true });
});

test('a viewer sees the runs but cannot start one', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(runsPath);
  await expect(page.getByRole('heading', { name: 'Collection runs' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Collect now' })).toHaveCount(0);
});

test('the cron route collects with the demo secret and refuses anyone else', async ({ request }) => {
  const dataDir = process.env.E2E_DATA_DIR ?? '.data/e2e';
  const { CRON_SECRET } = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as {
    CRON_SECRET: string;
  };
  expect((await request.get('/api/cron/collect')).status()).toBe(401);
  const wrong = await request.get('/api/cron/collect', { headers: { authorization: 'Bearer undefined' } });
  expect(wrong.status()).toBe(401);
  const ok = await request.get('/api/cron/collect', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(ok.status()).toBe(200);
  const body = (await ok.json()) as { runs: unknown[]; budgetExhausted: boolean };
  expect(Array.isArray(body.runs)).toBe(true);
  expect(body.budgetExhausted).toBe(false);
});
