import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { catalogPath, signInThroughForm } from './fixtures';

test.use({ viewport: { width: 1366, height: 900 } });

test('a viewer reads values in the catalog, then drills into Orders: ranges, breakdown and CSV', async ({
  page,
}) => {
  await signInThroughForm(page, 'viewer');

  // The catalog: a latest value, a change and a sparkline per collected metric.
  const ordersRow = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'Orders', exact: true }) });
  await expect(ordersRow.getByRole('img', { name: /^Orders, last 30 hours: from / })).toBeVisible();
  await expect(ordersRow.getByRole('cell').nth(0)).toHaveText(/\d/);
  await expect(ordersRow.getByText(/against the hour before/)).toBeAttached();
  await expect(page.getByTestId('sparkline').locator('svg').first()).toBeVisible();
  expect(await page.getByTestId('sparkline').locator('svg').count()).toBeGreaterThanOrEqual(9);
  await page.screenshot({ path: 'docs/images/catalog.png' });

  // The drilldown of Orders.
  await ordersRow.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Annotate' })).toHaveCount(0);
  const chart = page.getByTestId('series-chart');
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible();
  await expect(chart.locator('.recharts-area-area').first()).toBeVisible();
  const range = page.getByRole('navigation', { name: 'Range' });
  await expect(range.getByRole('link', { name: '7d' })).toHaveAttribute('aria-current', 'true');

  // Switching ranges keeps the page and redraws the chart for the new window.
  const from = page.getByLabel('From');
  const weekStart = await from.inputValue();
  await range.getByRole('link', { name: '30d' }).click();
  await expect(page).toHaveURL(/range=30d/);
  await expect(range.getByRole('link', { name: '30d' })).toHaveAttribute('aria-current', 'true');
  await expect(from).not.toHaveValue(weekStart);
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible();
  await range.getByRole('link', { name: '24h' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible();
  await expect(chart.getByText(/^Orders per hour from .+: total [\d,]+, latest [\d,]+/)).toBeAttached();

  // The breakdown by country: a chart and a table of the top values.
  const byCountry = page
    .getByRole('article')
    .filter({ has: page.getByRole('heading', { name: 'By country' }) });
  await expect(byCountry.getByTestId('breakdown-chart-country').locator('svg').first()).toBeVisible();
  const countryTable = byCountry.getByRole('table', { name: 'Orders by country' });
  await expect(countryTable.getByRole('row')).toHaveCount(7);
  await expect(countryTable.getByRole('rowheader', { name: '(other)' })).toBeVisible();

  // The CSV of the shown range: one line per hour of the last 24, numbers only.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe('bucket_start,value');
  expect(lines).toHaveLength(25);
  // The newest hour may have completed after the last collection tick: it is exported empty (unknown), never 0.
  const rows = lines.slice(1);
  for (const line of rows.slice(0, -1)) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z,\d+$/);
  expect(rows.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z,\d*$/);

  await page.goto(`${new URL(page.url()).pathname}?range=7d&ma=24&compare=previous`);
  await expect(chart.locator('.recharts-line-curve')).toHaveCount(3);
  await page.screenshot({ path: 'docs/images/drilldown.png', fullPage: true });
});

test("another project's metric, or no metric at all, is a 404", async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  const missing = await page.goto(`${catalogPath}/00000000-0000-4000-8000-000000000000`);
  expect(missing?.status()).toBe(404);
  const garbage = await page.goto(`${catalogPath}/not-a-metric`);
  expect(garbage?.status()).toBe(404);
  const exported = await page.request.get(`${catalogPath}/00000000-0000-4000-8000-000000000000/export`);
  expect(exported.status()).toBe(404);
});

test('an editor annotates the whole project from one chart, sees it on another metric, and deletes it', async ({
  page,
}) => {
  const note = `Price change ${Date.now().toString(36)}`;
  await signInThroughForm(page, 'editor');
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  const chart = page.getByTestId('series-chart');
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible();

  // A click on the chart opens the form with that bucket as the start.
  const surface = chart.locator('.recharts-surface').first();
  const box = await surface.boundingBox();
  if (!box) throw new Error('the chart has no size');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
  const form = page.getByRole('form', { name: 'New annotation' });
  await expect(form).toBeVisible();
  await expect(form.getByLabel('Start')).toHaveValue(/^\d{4}-\d{2}-\d{2}T\d{2}:00$/);
  await form.getByRole('button', { name: 'Cancel' }).click();

  // The Annotate button starts at the newest bucket shown; the note is for every metric.
  await page.getByRole('button', { name: 'Annotate' }).click();
  await form.getByLabel('Note').fill('   ');
  await form.getByRole('button', { name: 'Add annotation' }).click();
  await expect(form.getByText('Note is required.')).toBeVisible();
  await form.getByLabel('Note').fill(note);
  await form.getByLabel('Every metric of the project').check();
  await form.getByRole('button', { name: 'Add annotation' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Annotation “${note}” added.` })).toBeVisible();
  const list = page.getByRole('list', { name: 'Annotations in the shown range' });
  const item = list.getByRole('listitem').filter({ hasText: note });
  await expect(item).toContainText('by Eddie Editor');
  await expect(item).toContainText('whole project');
  await expect(chart.getByText(note)).toBeVisible();

  // Another hourly metric shows it on its chart and lists it; it is deleted from there.
  await page.goto(catalogPath);
  await page.getByRole('link', { name: 'Session conversion', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Session conversion' })).toBeVisible();
  await expect(chart.getByText(note)).toBeVisible();
  const elsewhere = list.getByRole('listitem').filter({ hasText: note });
  await elsewhere.getByRole('button', { name: `Delete annotation “${note}”` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete annotation' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Annotation “${note}” deleted.` })).toBeVisible();
  await expect(list.getByRole('listitem').filter({ hasText: note })).toHaveCount(0);
  await expect(chart.getByText(note)).toHaveCount(0);

  await page.goto(catalogPath);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expect(chart.getByText(note)).toHaveCount(0);
});
