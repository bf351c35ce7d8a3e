import { expect, test, type Page, type Request } from '@playwright/test';
import { catalogPath, replayServerAction, signInThroughForm } from './fixtures';
import { MetricFormPage, metricsPath } from './pages/metric-form';

// The e2e data directory outlives a run: everything created here gets a name of its own.
const runId = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** The id of a demo metric, read from its catalog link. */
async function demoMetricId(page: Page, name: string): Promise<string> {
  await page.goto(catalogPath);
  const href = await page.getByRole('link', { name, exact: true }).first().getAttribute('href');
  const id = /\/metrics\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1];
  if (!id) throw new Error(`no catalog link for ${name}`);
  return id;
}

test('an editor previews a count of completed orders per hour and saves it', async ({ page }) => {
  const form = new MetricFormPage(page);
  await signInThroughForm(page, 'editor');
  await form.openNew();
  await form.name.fill(`Completed orders ${runId()}`);
  await page.getByLabel('Description').fill('Orders that completed, per hour, by channel.');
  await page.getByLabel('Tags').fill('sales, e2e ');
  await expect(page.getByRole('button', { name: 'Remove tag sales' })).toBeVisible();
  await page.getByLabel('Interval').selectOption('hour');

  await form.pickOperand('Measure', {
    factTable: 'Orders',
    aggregation: 'count',
    filters: ['completed'],
  });
  const column = form.operand('Measure').getByLabel('Column');
  await expect(column).toHaveValue('');
  await expect(column.locator('option:checked')).toHaveText('Rows (every row)');
  // Sums read numbers only: the column picker offers nothing else.
  await form.operand('Measure').getByLabel('Aggregation', { exact: true }).selectOption('sum');
  await expect(column.getByRole('option')).toHaveText([
    'Pick a column',
    'order_id (number)',
    'customer_id (number)',
    'amount (number)',
  ]);
  await form.operand('Measure').getByLabel('Aggregation', { exact: true }).selectOption('count');
  await page.getByRole('checkbox', { name: 'channel' }).check();

  await form.runPreview();
  await form.expectSeries();
  await expect(form.preview).toContainText(/of 24 buckets with a value/);
  await expect(form.preview).toContainText(/\d+ ms/);
  await expect(form.preview.getByRole('table', { name: 'Breakdown by channel' })).toContainText('web');

  // As tall as the form, so the sticky sidebar is drawn once at the top rather than mid-page.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: 'docs/images/metric-form.png' });

  await form.create();
});

test('an editor previews completed orders ÷ all orders, saves the ratio and deletes it', async ({ page }) => {
  const form = new MetricFormPage(page);
  const name = `Completion rate ${runId()}`;
  await signInThroughForm(page, 'editor');
  await form.openNew();
  await form.name.fill(name);
  await form.pickKind('Fact ratio');
  await form.pickOperand('Numerator', { factTable: 'Orders', aggregation: 'count', filters: ['completed'] });
  await form.pickOperand('Denominator', { factTable: 'Orders', aggregation: 'count' });
  await expect(form.operand('Denominator').getByRole('checkbox', { name: 'completed' })).not.toBeChecked();
  await page.getByLabel('Format').selectOption('percent');

  await form.runPreview();
  await form.expectSeries();
  const id = await form.create();

  await form.openEdit(id);
  await page.getByRole('button', { name: 'Delete metric' }).click();
  await page
    .getByRole('dialog', { name: `Delete ${name}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}$`));
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
});

test('refused SQL is explained beside the SQL field, on save and on preview', async ({ page }) => {
  const form = new MetricFormPage(page);
  await signInThroughForm(page, 'editor');
  await form.openNew();
  await form.name.fill(`Refused SQL ${runId()}`);
  await form.pickKind('SQL');
  await expect(page.getByLabel('Data source')).toHaveValue(/.+/);

  await form.sql.fill('DELETE FROM orders');
  await page.getByRole('button', { name: 'Create metric' }).click();
  await expect(form.sql).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#metric-sql-error')).toContainText(/SELECT/i);
  await expect(page).toHaveURL(/\/metrics\/new$/);

  await form.sql.fill('SELECT 1; SELECT 2');
  await form.runPreview();
  await expect(page.locator('#metric-sql-error')).toContainText(/one statement|statements/i);
  await expect(form.preview).toHaveCount(0);

  // Switching kinds keeps each kind's draft: the refused SQL is still there when coming back.
  await form.pickKind('Fact');
  await expect(form.operand('Measure')).toBeVisible();
  await form.pickKind('SQL');
  await expect(form.sql).toContainText('SELECT 1; SELECT 2');
});

test('an edit records a version with its diff, offers a recompute and refuses a stale save', async ({
  page,
  context,
}) => {
  const form = new MetricFormPage(page);
  const name = `Refunded orders ${runId()}`;
  await signInThroughForm(page, 'editor');
  await form.openNew();
  await form.name.fill(name);
  await form.pickOperand('Measure', {
    factTable: 'Orders',
    aggregation: 'count',
    filters: ['completed'],
  });
  const id = await form.create();

  // A second tab opened on the same version, to save after the first one did.
  const staleTab = new MetricFormPage(await context.newPage());
  await staleTab.openEdit(id);

  await form.openEdit(id);
  await expect(form.versions.getByRole('listitem', { name: 'Version 1' })).toContainText('Created.');
  await page.getByLabel('Description').fill('Refunds, not completions.');
  const operand = form.operand('Measure');
  await operand.getByRole('checkbox', { name: 'completed' }).uncheck();
  await operand.getByRole('checkbox', { name: 'refunded' }).check();
  await page.getByLabel('Lifecycle').selectOption('active');
  await form.save();

  await expect(page.getByRole('status').filter({ hasText: 'Saved as version 2.' })).toBeVisible();
  const version2 = form.versions.getByRole('listitem', { name: 'Version 2' });
  await expect(version2).toContainText('Eddie Editor');
  await expect(version2).toContainText('definition.operand.rowFilterIds');
  await expect(version2).toContainText('completed → refunded');
  await expect(version2).toContainText('description');

  const prompt = page.getByRole('status').filter({ hasText: 'The definition changed: recompute history?' });
  await expect(prompt.getByRole('link', { name: 'Choose another range' })).toHaveAttribute(
    'href',
    `${metricsPath}/${id}#backfill`,
  );
  await prompt.getByRole('button', { name: 'Recompute the last 30 days' }).click();
  await expect(prompt.getByRole('link', { name: 'Follow the recompute run' })).toHaveAttribute(
    'href',
    /\/runs\/[0-9a-f-]{36}$/,
  );

  await staleTab.page.getByLabel('Description').fill('An edit made on version 1.');
  await staleTab.save();
  await expect(
    staleTab.page.getByRole('alert').filter({ hasText: 'Someone else saved this metric' }),
  ).toBeVisible();
  await expect(staleTab.page.getByRole('button', { name: 'Reload the metric' })).toBeVisible();
});

test('deleting a metric a composition reads is refused with its name', async ({ page }) => {
  const form = new MetricFormPage(page);
  await signInThroughForm(page, 'editor');
  await form.openEdit(await demoMetricId(page, 'Revenue'));
  await page.getByRole('button', { name: 'Delete metric' }).click();
  await page.getByRole('dialog', { name: 'Delete Revenue?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'A composition reads this metric: Revenue per active user' }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/edit$/);
});

test('a viewer gets no metric form, and the server refuses a replayed create', async ({ page, browser }) => {
  // Capture a real create call from an editor's form, without letting it through.
  const editor = await browser.newContext();
  const editorForm = new MetricFormPage(await editor.newPage());
  await signInThroughForm(editorForm.page, 'editor');
  await editorForm.openNew();
  await editorForm.name.fill(`Forged ${runId()}`);
  await editorForm.pickOperand('Measure', { factTable: 'Orders', aggregation: 'count' });
  let captured: Request | null = null;
  await editorForm.page.route(/\/metrics\/new$/, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    captured = route.request();
    await route.abort();
  });
  await editorForm.page.getByRole('button', { name: 'Create metric' }).click();
  await expect.poll(() => captured).not.toBeNull();
  const request = captured as unknown as Request;
  const body = request.postData() ?? '';
  const forgedName = /"name":"(Forged [^"]+)"/.exec(body)?.[1];
  expect(forgedName).toBeTruthy();
  await editor.close();

  await signInThroughForm(page, 'viewer');
  const text = await replayServerAction(page, request);
  expect(text).toContain('"code":"forbidden"');
  expect(text).toContain('needs the editor role');

  await page.goto(catalogPath);
  await expect(page.getByRole('link', { name: 'New metric' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: forgedName, exact: true })).toHaveCount(0);

  await page.goto(`${metricsPath}/new`);
  await expect(page.getByText('Defining metrics needs the editor role')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create metric' })).toHaveCount(0);

  const form = new MetricFormPage(page);
  await form.openEdit(await demoMetricId(page, 'Revenue'));
  await expect(page.getByText('Editing metrics needs the editor role')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete metric' })).toHaveCount(0);
  await expect(form.versions.getByRole('listitem', { name: 'Version 1' })).toBeVisible();
});
