import { expect, test, type Page } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { demoAnchorFor, demoIncidents } from '../../db/seed/demo-warehouse';
import { signInThroughForm } from './fixtures';

test.use({ viewport: { width: 1366, height: 900 } });

const inboxPath = `/p/${DEMO_PROJECT.slug}/anomalies`;

/** The day of the planted checkout outage as the inbox writes a whole day: "Mon, Oct 19, 2026". */
function outageDay(): string {
  const outage = demoIncidents(demoAnchorFor(new Date())).find((i) => i.key === 'checkout_outage');
  if (!outage) throw new Error('the demo has no checkout outage');
  return new Intl.DateTimeFormat('en-US', {
    timeZone: DEMO_PROJECT.timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(outage.startsAt);
}

/** The incident cards of that day that involve a metric named exactly `metric`. */
function incidentOn(page: Page, day: string, metric: string) {
  return page
    .getByTestId('incident')
    .filter({ hasText: day })
    .filter({ has: page.getByRole('heading').getByRole('link', { name: metric, exact: true }) });
}

test('a viewer finds the checkout outage as one incident and opens one of its anomalies', async ({
  page,
}) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(inboxPath);
  await expect(page.getByRole('heading', { level: 1, name: 'Anomalies' })).toBeVisible();

  // Orders dropped for hours; the daily metrics reading the same orders table moved with it.
  const outage = incidentOn(page, outageDay(), 'Orders');
  await expect(outage).toHaveCount(1);
  await expect(outage.getByRole('heading').getByRole('link', { name: 'Paying customers' })).toBeVisible();
  await expect(outage).toContainText(/, 09:00–/);
  await expect(outage.getByText(/% of the drop/)).toBeVisible();
  // Deployments are another fact table: the failed deploys of that day are an incident of their own.
  await expect(incidentOn(page, outageDay(), 'Deployment failure rate')).toHaveCount(1);
  await expect(
    incidentOn(page, outageDay(), 'Deployment failure rate').getByRole('link', {
      name: 'Orders',
      exact: true,
    }),
  ).toHaveCount(0);
  // A viewer reads, and is offered nothing to change.
  await expect(page.getByRole('button', { name: /^(Acknowledge|Mark|Unmark) / })).toHaveCount(0);

  await outage.getByRole('button', { name: /^Show all \d+ anomalies$/ }).click();
  const table = outage.getByRole('table', { name: /^Anomalies of the incident of / });
  await expect(table.getByRole('row').filter({ hasText: /, 09:00/ })).not.toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'docs/images/anomalies.png' });

  await outage.getByRole('heading').getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${inboxPath}/[0-9a-f-]{36}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  const chart = page.getByTestId('anomaly-chart');
  await expect(chart.locator('.recharts-line-curve').first()).toBeVisible();
  await expect(chart.locator('.recharts-area-area').first()).toBeVisible();
  await expect(page.getByRole('list', { name: 'Share of the drop by channel' })).toBeVisible();
  const incident = page.getByRole('table', { name: 'Anomalies of the same incident' });
  await expect(incident.getByRole('link', { name: 'Paying customers' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Alert deliveries' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Acknowledge|Mark|Unmark) / })).toHaveCount(0);
  await page.screenshot({ path: 'docs/images/anomaly.png', fullPage: true });
});

test("another project's anomaly, or no anomaly at all, is a 404", async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  expect((await page.goto(`${inboxPath}/00000000-0000-4000-8000-000000000000`))?.status()).toBe(404);
  expect((await page.goto(`${inboxPath}/not-an-anomaly`))?.status()).toBe(404);
});

test('an editor acknowledges an incident and marks an anomaly expected, which annotates its chart', async ({
  page,
}) => {
  await signInThroughForm(page, 'editor');

  // Acknowledge: the newest incident nobody has acknowledged yet (earlier runs may have taken the first ones).
  await page.goto(`${inboxPath}?scope=all`);
  const open = page.getByTestId('incident').filter({ hasText: 'Not acknowledged' }).first();
  const id = await open.getAttribute('data-incident');
  await open.getByRole('button', { name: /^Acknowledge the (incident|anomaly) of / }).click();
  const acknowledged = page.locator(`[data-incident="${id}"]`);
  await expect(acknowledged.getByText('Acknowledged by Eddie Editor')).toBeVisible();
  await expect(acknowledged.getByRole('button', { name: /^Acknowledge / })).toHaveCount(0);

  // Mark expected: the failed deploys of the outage day, from its own page.
  await page.goto(inboxPath);
  await incidentOn(page, outageDay(), 'Deployment failure rate')
    .getByRole('link', { name: 'Deployment failure rate' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Deployment failure rate' })).toBeVisible();
  const state = page.getByRole('region', { name: 'State' });
  const unmark = state.getByRole('button', { name: 'Unmark this anomaly as expected' });
  // A run that failed halfway may have left the mark: start from an unmarked anomaly.
  if (await unmark.isVisible()) {
    await unmark.click();
    await expect(state.getByRole('button', { name: 'Mark this anomaly as expected' })).toBeVisible();
  }
  await state.getByRole('button', { name: 'Mark this anomaly as expected' }).click();
  const form = state.getByRole('form', { name: 'Mark this anomaly as expected' });
  await form.getByRole('button', { name: 'Mark expected' }).click();
  await expect(form.getByText(/Say what happened/)).toBeVisible();
  await form.getByLabel('What was expected about this anomaly?').fill('Checkout rollback drill');
  await form.getByRole('button', { name: 'Mark expected' }).click();
  await expect(state.getByText('Checkout rollback drill')).toBeVisible();
  const chart = page.getByTestId('anomaly-chart');
  await expect(chart.getByText('Checkout rollback drill')).toBeVisible();

  // Taking it back removes the note and the annotation.
  await unmark.click();
  await expect(state.getByRole('button', { name: 'Mark this anomaly as expected' })).toBeVisible();
  await expect(chart.getByText('Checkout rollback drill')).toHaveCount(0);
});
