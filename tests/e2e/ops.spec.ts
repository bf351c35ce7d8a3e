import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_DATA_SOURCE, DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { catalogPath, demoUser, signInThroughForm } from './fixtures';

const auditPath = `/p/${DEMO_PROJECT.slug}/audit`;

/** The token the demo's /api/metrics accepts: METRICS_TOKEN when the run set one, else the demo's cron secret. */
function metricsToken(): string {
  if (process.env.METRICS_TOKEN) return process.env.METRICS_TOKEN;
  if (process.env.CRON_SECRET) return process.env.CRON_SECRET;
  const dataDir = process.env.E2E_DATA_DIR ?? '.data/e2e';
  const secrets = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as {
    CRON_SECRET: string;
  };
  return secrets.CRON_SECRET;
}

/** Console errors about the Content Security Policy: a blocked script, style or connection. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|evaluate)/i.test(message.text())) {
      violations.push(message.text());
    }
  });
  page.on('pageerror', (error) => {
    if (/Content Security Policy|EvalError/i.test(error.message)) violations.push(error.message);
  });
  return violations;
}

test('every page carries the security headers, and sign-in, charts and the SQL editor work under the CSP', async ({
  page,
}) => {
  const violations = watchCsp(page);
  const login = await page.goto('/login');
  const headers = login?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).not.toContain('unsafe-eval');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy']).toContain('camera=()');

  await signInThroughForm(page, 'editor');
  await expect(page.getByTestId('sparkline').locator('svg').first()).toBeVisible();

  // recharts on the drilldown.
  await page.getByRole('link', { name: 'Orders', exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('series-chart').locator('.recharts-line-curve').first()).toBeVisible();

  // CodeMirror on the new fact table form (it injects its own style sheet), and a preview through a server action.
  await page.goto(`/p/${DEMO_PROJECT.slug}/fact-tables/new`);
  await page.getByLabel('Data source').selectOption({ label: DEMO_DATA_SOURCE });
  const sql = page.getByLabel('SQL', { exact: true });
  await sql.fill('SELECT order_id, created_at FROM orders');
  await expect(sql).toContainText('SELECT order_id');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Preview' }).getByTestId('preview-row-count')).toHaveText(
    '100+',
  );

  expect(violations).toEqual([]);
});

test('/api/metrics needs the operator token and reports how stale each collected demo metric is', async ({
  request,
}) => {
  expect((await request.get('/api/metrics')).status()).toBe(401);
  const forged = await request.get('/api/metrics', { headers: { 'x-forwarded-for': '127.0.0.1' } });
  expect(forged.status()).toBe(401);

  const response = await request.get('/api/metrics', {
    headers: { authorization: `Bearer ${metricsToken()}`, 'x-request-id': 'e2e-scrape-1' },
  });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(response.headers()['x-request-id']).toBe('e2e-scrape-1');
  const text = await response.text();
  expect(text).toContain('# TYPE sightline_metric_staleness_seconds gauge');

  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('sightline_metric_staleness_seconds{') &&
        l.includes(`project="${DEMO_PROJECT.slug}"`) &&
        l.includes('metric="Orders"'),
    );
  expect(line, 'a staleness series for Orders').toBeDefined();
  const value = Number(line?.split(' ').at(-1));
  // The demo collected before the server started: a real age, seconds to a few hours.
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThan(24 * 3600);
  expect(text).toMatch(
    new RegExp(
      `^sightline_collection_runs\\{project="${DEMO_PROJECT.slug}",trigger="manual",status="completed"\\} [1-9]`,
      'm',
    ),
  );
});

test('an editor’s change shows in the audit log, which a viewer can filter and open', async ({ page }) => {
  const name = `Audit trail ${Date.now()}`;
  await signInThroughForm(page, 'editor');
  await page.goto(`/p/${DEMO_PROJECT.slug}/alerts`);
  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Webhook URL').fill('https://93.184.216.34/hooks/e2e-audit-path');
  await form.getByRole('button', { name: 'Generate' }).click();
  await form.getByRole('button', { name: 'Create rule' }).click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name })).toHaveCount(0);

  await page.context().clearCookies();
  await signInThroughForm(page, 'viewer');
  await page.goto(auditPath);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const log = page.getByRole('table', { name: 'Audit log' });
  const created = log.getByRole('row').filter({ hasText: 'alert_rule.create' }).filter({ hasText: name });
  await expect(created).toHaveCount(1);
  await expect(created.getByText(demoUser('editor').email)).toBeVisible();
  await expect(
    log.getByRole('row').filter({ hasText: 'alert_rule.delete' }).filter({ hasText: name }),
  ).toHaveCount(1);

  // Filters live in the URL.
  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').selectOption('alert_rule.create');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/action=alert_rule\.create/);
  await expect(log.getByRole('row').filter({ hasText: 'alert_rule.delete' })).toHaveCount(0);
  await expect(created).toHaveCount(1);

  // The entry: who, what, and the rule as it was created, field by field; never the webhook path.
  await created.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'alert_rule.create' })).toBeVisible();
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(changes.getByRole('listitem').filter({ hasText: /^name/ })).toContainText(name);
  await expect(page.getByText('e2e-audit-path')).toHaveCount(0);
});
