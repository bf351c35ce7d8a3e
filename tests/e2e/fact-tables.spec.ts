import { expect, test, type Request } from '@playwright/test';
import { DEMO_DATA_SOURCE, DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { replayServerAction, signInThroughForm } from './fixtures';
import { FactTableFormPage, factTablesPath } from './pages/fact-table-form';

// The e2e data directory outlives a run: everything created here gets a name of its own.
const runId = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const ORDERS_SQL = 'SELECT order_id, created_at, customer_id, amount, status, channel FROM orders';
const sourcesPath = `/p/${DEMO_PROJECT.slug}/sources`;

test('an editor previews a query, picks its columns, adds a row filter and saves the fact table', async ({
  page,
}) => {
  const name = `Checkouts ${runId()}`;
  const form = new FactTableFormPage(page);
  await signInThroughForm(page, 'editor');
  await form.openNew();
  await form.fillDetails({ name, sql: ORDERS_SQL });
  await page.getByLabel('Description').fill('Orders with their channel, for checkout metrics.');

  await form.runPreview();
  await expect(form.preview.getByTestId('preview-row-count')).toHaveText('100+');
  await expect(form.preview).toContainText(/\d+ ms/);
  await expect(form.preview.getByRole('listitem').filter({ hasText: 'created_at' })).toContainText(
    'timestamp',
  );
  await expect(form.preview.getByRole('row')).toHaveCount(101);

  const timestamp = page.getByLabel('Timestamp column');
  await expect(timestamp.getByRole('option')).toHaveText(['Pick a column', 'created_at (timestamptz)']);
  await timestamp.selectOption('created_at');
  await page.getByRole('checkbox', { name: /order_id/ }).check();

  await form.addRowFilter(1, { name: 'web', expression: "channel = 'web'" });
  await form.rowFilter(1).getByRole('button', { name: 'Show matching rows' }).click();
  const matches = page.getByRole('region', { name: 'Rows matching row filter 1' });
  await expect(matches.getByTestId('preview-row-count')).toHaveText(/\d+/);
  await expect(matches.getByRole('row').nth(1)).toContainText('web');

  // As tall as the form, so the sticky sidebar is drawn once at the top rather than mid-page.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: 'docs/images/fact-table-form.png' });

  await form.create();
  await expect(page).toHaveURL(new RegExp(`${factTablesPath}$`));
  const saved = page.getByRole('region', { name });
  await expect(saved.getByLabel('Columns').getByText('created_at · time')).toBeVisible();
  await expect(saved.getByText("channel = 'web'")).toBeVisible();
});

test('refused SQL and row filters are explained beside the field that caused them', async ({ page }) => {
  const form = new FactTableFormPage(page);
  await signInThroughForm(page, 'editor');
  await form.openNew();

  await form.fillDetails({ name: `Refusals ${runId()}`, sql: 'DELETE FROM orders' });
  await form.runPreview();
  await expect(form.sql).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#fact-table-sql-error')).toContainText(/SELECT/i);
  await expect(form.preview).toHaveCount(0);

  await form.sql.fill('SELECT 1; SELECT 2');
  await form.runPreview();
  await expect(page.locator('#fact-table-sql-error')).toContainText(/one statement|statements/i);

  await form.sql.fill('SELECT order_id, created_at, status FROM orders');
  await form.runPreview();
  await expect(form.preview.getByTestId('preview-row-count')).toHaveText('100+');
  await expect(form.sql).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Timestamp column').selectOption('created_at');

  await form.addRowFilter(1, { name: 'completed', expression: "status = 'completed'" });
  await form.addRowFilter(2, { name: 'broken', expression: "no_such_column = 'x'" });
  await form.create();
  const condition = form.rowFilter(2).getByLabel('Condition');
  await expect(condition).toHaveAttribute('aria-invalid', 'true');
  await expect(form.rowFilter(2)).toContainText('no_such_column');
  await expect(form.rowFilter(1).getByLabel('Condition')).not.toHaveAttribute('aria-invalid', 'true');

  await condition.fill('1=1) OR (1=1');
  await form.create();
  await expect(condition).toHaveAttribute('aria-invalid', 'true');
  await expect(form.rowFilter(2)).toContainText('did not open');
  await expect(page).toHaveURL(/\/fact-tables\/new$/);
});

test('deleting or breaking a fact table that metrics read is refused with their names', async ({ page }) => {
  await signInThroughForm(page, 'editor');
  await page.goto(factTablesPath);
  await page
    .getByRole('region', { name: 'Orders', exact: true })
    .getByRole('link', { name: 'Orders' })
    .click();
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Delete fact table' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete Orders?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: /\d+ metrics? read this fact table: .*Orders/ }),
  ).toBeVisible();

  const completed = page.getByRole('group', { name: 'Row filter 1' });
  await expect(completed.getByLabel('Filter name')).toHaveValue('completed');
  await completed.getByRole('button', { name: 'Remove row filter 1' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'This change would break' });
  await expect(refusal).toContainText(/This change would break \d+ metrics?: .*Revenue/);
  await expect(refusal).toContainText('"completed" (used by');
});

test('a viewer reads fact tables without edit controls, and the server refuses their writes', async ({
  page,
  browser,
}) => {
  // Capture a real create call from an editor's form, without letting it through.
  const editor = await browser.newContext();
  const editorPage = await editor.newPage();
  const form = new FactTableFormPage(editorPage);
  await signInThroughForm(editorPage, 'editor');
  await form.openNew();
  await form.fillDetails({ name: `Forged ${runId()}`, sql: 'SELECT order_id, created_at FROM orders' });
  await form.runPreview();
  await editorPage.getByLabel('Timestamp column').selectOption('created_at');
  let captured: Request | null = null;
  await editorPage.route(/\/fact-tables\/new$/, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    captured = route.request();
    await route.abort();
  });
  await form.create();
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

  await page.goto(factTablesPath);
  await expect(page.getByRole('heading', { name: 'Fact tables' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New fact table' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: forgedName })).toHaveCount(0);

  await page
    .getByRole('region', { name: 'Orders', exact: true })
    .getByRole('link', { name: 'Orders' })
    .click();
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  const sql = page.getByLabel('SQL', { exact: true });
  await expect(sql).toContainText('SELECT order_id, created_at');
  await expect(sql).toHaveAttribute('aria-readonly', 'true');
  await expect(sql).toHaveAttribute('contenteditable', 'false');
  await expect(page.getByRole('button')).toHaveText(['Sign out']);
  await expect(page.getByRole('textbox')).toHaveCount(1);

  await page.goto(`${factTablesPath}/new`);
  await expect(page.getByText('Editors define fact tables')).toBeVisible();
  await expect(page.getByLabel('SQL', { exact: true })).toHaveCount(0);

  await page.goto(sourcesPath);
  await expect(page.getByText(DEMO_DATA_SOURCE, { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New data source' })).toHaveCount(0);
});

test('an admin sees a stored password only as a mask, tests the demo warehouse and deletes safely', async ({
  page,
}) => {
  const name = `Replica ${runId()}`;
  await signInThroughForm(page, 'admin');
  await page.goto(sourcesPath);
  await page.getByRole('link', { name: 'New data source' }).click();
  await expect(page.getByLabel(/connection string/i)).toHaveCount(0);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Type').selectOption('postgres');
  // A public address is accepted at save time without connecting; the test below is on the demo warehouse.
  await page.getByLabel('Host').fill('93.184.215.14');
  await page.getByLabel('Database').fill('analytics');
  await page.getByLabel('User').fill('sightline_reader');
  await page.getByLabel('Password').fill('a-secret-that-never-returns');
  await page.getByLabel('TLS mode').selectOption('verify-full');
  await page.getByRole('button', { name: 'Create data source' }).click();

  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const password = page.getByLabel('Password');
  await expect(password).toHaveValue('');
  await expect(password).toHaveAttribute('placeholder', '••••••••');
  await expect(
    page.getByText('A password is stored and never shown. Leave this empty to keep it.'),
  ).toBeVisible();
  expect(await page.content()).not.toContain('a-secret-that-never-returns');
  await expect(page.getByLabel('Port')).toHaveValue('5432');

  await page.getByLabel('Port').fill('0');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Port must be between 1 and 65535.')).toBeVisible();
  await page.getByLabel('Port').fill('6432');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Data source saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Delete data source' }).click();
  await page
    .getByRole('dialog', { name: `Delete ${name}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page).toHaveURL(new RegExp(`${sourcesPath}$`));
  await expect(page.getByRole('link', { name })).toHaveCount(0);

  await page.getByRole('link', { name: DEMO_DATA_SOURCE }).click();
  await expect(page.getByText('Runs inside Sightline; no credentials to manage.')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  const success = page.getByRole('status').filter({ hasText: 'Connected in' });
  await expect(success).toContainText(/Connected in \d+ ms/);
  await expect(success).toContainText('PostgreSQL');

  await page.getByRole('button', { name: 'Delete data source' }).click();
  await page
    .getByRole('dialog', { name: `Delete ${DEMO_DATA_SOURCE}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(
    page.getByRole('alert').filter({ hasText: /fact tables? read this data source: .*Orders/ }),
  ).toBeVisible();
});
