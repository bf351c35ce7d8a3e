import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { catalogPath, signInThroughForm } from './fixtures';

test.use({ viewport: { width: 1366, height: 900 } });

const project = `/p/${DEMO_PROJECT.slug}`;

type AxeViolation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** One paragraph per rule: impact, rule, what it asks, and each offending element with axe's summary. */
function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map(
          (n) => `  - ${n.target.join(' ')}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`,
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

/** Runs axe for WCAG 2 A and AA in light and in dark mode; serious and critical findings fail the test. */
async function expectNoSeriousViolations(page: Page) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${colorScheme} mode:\n\n${describeViolations(serious)}`).toEqual([]);
  }
}

const PAGES: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [
  {
    name: 'the catalog',
    path: catalogPath,
    ready: async (page) => {
      await expect(page.getByTestId('sparkline').first()).toBeVisible();
    },
  },
  {
    name: 'the metric form',
    path: `${catalogPath}/new`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
    },
  },
  {
    name: 'the fact-table form',
    path: `${project}/fact-tables/new`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
    },
  },
  {
    name: 'the data-source form',
    path: `${project}/sources/new`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByLabel('Name', { exact: true })).toBeVisible();
    },
  },
  {
    name: 'the runs page',
    path: `${project}/runs`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1, name: /runs/i })).toBeVisible();
    },
  },
  {
    name: 'the anomalies inbox',
    path: `${project}/anomalies`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1, name: 'Anomalies' })).toBeVisible();
      await expect(page.getByTestId('incident').first()).toBeVisible();
    },
  },
  {
    name: 'the alerts page',
    path: `${project}/alerts`,
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1, name: /alert/i })).toBeVisible();
    },
  },
];

for (const { name, path, ready } of PAGES) {
  test(`${name} has no serious or critical accessibility violations`, async ({ page }) => {
    await signInThroughForm(page, 'admin');
    await page.goto(path);
    await ready(page);
    await expectNoSeriousViolations(page);
  });
}

test('a drilldown with its breakdown and heatmap has no serious or critical accessibility violations', async ({
  page,
}) => {
  await signInThroughForm(page, 'admin');
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expect(page.getByTestId('series-chart').locator('.recharts-line-curve').first()).toBeVisible();
  await expect(page.getByTestId('breakdown-chart-country').locator('svg').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Hour of day × day of week' })).toBeVisible();
  await expectNoSeriousViolations(page);

  // The annotation form, open, is checked too.
  await page.getByRole('button', { name: 'Annotate' }).click();
  await expect(page.getByRole('form', { name: 'New annotation' })).toBeVisible();
  await expectNoSeriousViolations(page);
});

test('the catalog works from the keyboard: Tab reaches the rows, Enter sorts a column', async ({ page }) => {
  await signInThroughForm(page, 'admin');
  const table = page.getByRole('table', { name: /^Metrics, sorted by/ });
  await expect(table).toBeVisible();

  // Tab from the top of the page until the first metric link in the table has focus.
  const firstMetric = table.getByRole('rowheader').first().getByRole('link');
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await firstMetric.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'Tab never reached the first metric in the table').toBe(true);

  // The "Change" header is a link: focused and activated with Enter, it sorts by change, largest first.
  const change = table.getByRole('columnheader', { name: /^Change/ });
  await change.getByRole('link').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/sort=change/);
  await expect(table.getByRole('columnheader', { name: /^Change/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/sort=change&dir=asc/);
  await expect(table.getByRole('columnheader', { name: /^Change/ })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
});
