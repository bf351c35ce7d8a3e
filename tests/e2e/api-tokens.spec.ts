import { expect, test } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { signInThroughForm } from './fixtures';

const settingsPath = `/p/${DEMO_PROJECT.slug}/settings`;
const metricsApi = `/api/v1/projects/${DEMO_PROJECT.slug}/metrics`;

test('an admin creates a token, a program uses it, and revoking it locks the program out', async ({
  page,
  request,
}) => {
  await signInThroughForm(page, 'admin');
  await page.goto(settingsPath);
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();

  const name = `Nightly export ${Date.now()}`;
  const form = page.getByRole('form', { name: 'Create an API token' });
  await form.getByLabel('Token name').fill(name);
  await form.getByLabel('Role').selectOption('viewer');
  await form.getByRole('button', { name: 'Create token' }).click();

  const secretField = page.getByTestId('new-api-token');
  await expect(secretField).toHaveValue(/^sl_[A-Za-z0-9_-]{43}$/);
  const token = await secretField.inputValue();
  const row = page.getByTestId('api-token-row').filter({ hasText: name });
  await expect(row).toContainText(token.slice(0, 10));
  await expect(row).toContainText('Never');

  const listed = await request.get(metricsApi, { headers: { authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  const body = (await listed.json()) as { data: { name: string }[]; nextCursor: string | null };
  expect(body.data.length).toBeGreaterThan(0);
  expect(listed.headers()['x-request-id']).toBeTruthy();
  const write = await request.post(
    `${metricsApi}/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/archive`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  expect(write.status()).toBe(403);

  // Shown once: after a reload only the prefix is left.
  await page.reload();
  await expect(page.getByTestId('new-api-token')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(token.slice(10));

  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await request.get(metricsApi, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test('a viewer sees the tokens but is told admins manage them; the API page documents every operation', async ({
  page,
}) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(settingsPath);
  await expect(page.getByText('Admins manage tokens')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Create an API token' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /Definitions as code/ })).toBeVisible();

  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'API' }).click();
  await expect(page.getByRole('heading', { name: 'API', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Series', exact: true })).toBeVisible();
  await expect(page.getByText(`/api/v1/projects/{project}/metrics/{metricId}/series`)).toBeVisible();
  const doc = await page.request.get('/api/v1/openapi.json');
  expect(doc.status()).toBe(200);
  expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
});
