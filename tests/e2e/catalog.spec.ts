import { expect, test, type Page } from '@playwright/test';
import { catalogPath, signInThroughForm } from './fixtures';

test.use({ viewport: { width: 1366, height: 900 } });

/** The catalog's metric rows (the header row has no row header). */
const metricRows = (page: Page) => page.getByRole('row').filter({ has: page.getByRole('rowheader') });
const metricNames = async (page: Page) =>
  (await metricRows(page).getByRole('rowheader').getByRole('link').allTextContents()).map((s) => s.trim());

/** The link in a sortable column header. */
const sortLink = (page: Page, column: string) =>
  page.getByRole('columnheader', { name: new RegExp(`^${column}`) }).getByRole('link');

/** Each row's change in percent from its words ("up 12.5% against …"), null where there is none. */
async function changesOf(page: Page): Promise<(number | null)[]> {
  // A viewer has no selection column: the cells are Latest, Change, …
  const texts = await metricRows(page).locator('td:nth-of-type(2)').allTextContents();
  return texts.map((text) => {
    const match = /(up|down|unchanged) ([\d,.]+)%/.exec(text);
    if (!match) return null;
    const size = Number(match[2]?.replace(/,/g, ''));
    return match[1] === 'down' ? -size : size;
  });
}

const isOrdered = (values: (number | null)[], dir: 'asc' | 'desc') => {
  const known = values.filter((v): v is number => v !== null);
  const unknownLast = values.slice(known.length).every((v) => v === null);
  return (
    unknownLast && known.every((v, i) => i === 0 || (dir === 'asc' ? known[i - 1]! <= v : known[i - 1]! >= v))
  );
};

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
  await expect(page.getByText('No metrics match these filters')).toBeVisible();
});

test('owner and signal filters narrow the catalog, and the filters survive a reload', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  const all = await metricNames(page);
  expect(all).toContain('Orders');

  await page.getByLabel('Owner').selectOption({ label: 'Ada Admin' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/owner=[0-9a-f-]{36}/);
  await expect(metricRows(page).filter({ hasText: 'Average order value' })).toHaveCount(1);
  await expect(
    metricRows(page).filter({ has: page.getByRole('link', { name: 'Orders', exact: true }) }),
  ).toHaveCount(0);
  const owned = await metricRows(page).count();
  expect(owned).toBeGreaterThan(0);
  await expect(metricRows(page).filter({ hasText: 'Ada Admin' })).toHaveCount(owned);

  // Signal: with an active anomaly or without one. Together they are the whole catalog again.
  await page.goto(`${catalogPath}?signal=any`);
  await expect(page.getByLabel('Signal')).toHaveValue('any');
  const flagged = await metricRows(page).count();
  if (flagged === 0) {
    await expect(page.getByRole('heading', { name: 'No metrics match these filters' })).toBeVisible();
  } else {
    await expect(metricRows(page).filter({ hasText: /severity anomaly active/ })).toHaveCount(flagged);
  }
  await page.getByLabel('Signal').selectOption('none');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/signal=none/);
  await expect(metricRows(page).first()).toBeVisible();
  const quiet = await metricRows(page).count();
  await expect(metricRows(page).filter({ hasText: 'No active anomaly' })).toHaveCount(quiet);
  expect(flagged + quiet).toBe(all.length);

  // Owner, signal and a sort together, then a reload: the page comes back the same.
  await page.getByLabel('Owner').selectOption({ label: 'Eddie Editor' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await sortLink(page, 'Change').click();
  await expect(page).toHaveURL(/owner=.+signal=none.+sort=change/);
  const before = await metricNames(page);
  await page.reload();
  await expect(page.getByLabel('Owner')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByLabel('Signal')).toHaveValue('none');
  await expect(page.getByRole('columnheader', { name: /^Change/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  expect(await metricNames(page)).toEqual(before);
});

test('column headers sort by change and by name, either way, in the URL', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  const byName = await metricNames(page);
  expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  await expect(page.getByRole('columnheader', { name: /^Metric/ })).toHaveAttribute('aria-sort', 'ascending');

  await sortLink(page, 'Change').click();
  await expect(page).toHaveURL(/sort=change$/);
  await expect(page.getByRole('columnheader', { name: /^Change/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  const down = await changesOf(page);
  expect(down.filter((v) => v !== null).length).toBeGreaterThan(1);
  expect(isOrdered(down, 'desc'), `changes ${down.join(', ')}`).toBe(true);
  const downNames = await metricNames(page);
  expect(downNames).not.toEqual(byName);

  await sortLink(page, 'Change').click();
  await expect(page).toHaveURL(/sort=change&dir=asc/);
  const up = await changesOf(page);
  expect(isOrdered(up, 'asc'), `changes ${up.join(', ')}`).toBe(true);
  expect(await metricNames(page)).not.toEqual(downNames);

  // Back to names, A to Z (a new column starts in its own direction); again, Z to A, and still so after a reload.
  await sortLink(page, 'Metric').click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}$`));
  expect(await metricNames(page)).toEqual(byName);
  await sortLink(page, 'Metric').click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  expect(await metricNames(page)).toEqual([...byName].reverse());
  await page.reload();
  await expect(page.getByRole('columnheader', { name: /^Metric/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  expect(await metricNames(page)).toEqual([...byName].reverse());
});

test('no demo metric is stale right after collection: "stale only" is empty and clears back', async ({
  page,
}) => {
  await signInThroughForm(page, 'viewer');
  await expect(metricRows(page).first()).toBeVisible();
  await expect(page.getByTestId('stale-mark')).toHaveCount(0);

  await page.getByLabel('Stale only').check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/stale=1/);
  await expect(page.getByRole('heading', { name: 'No metrics match these filters' })).toBeVisible();
  await expect(page.getByLabel('Stale only')).toBeChecked();
  await page.getByRole('main').getByRole('link', { name: 'Clear filters' }).last().click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}$`));
  await expect(metricRows(page).first()).toBeVisible();
  await expect(page.getByLabel('Stale only')).not.toBeChecked();
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
