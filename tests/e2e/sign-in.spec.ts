import { expect, test } from '@playwright/test';
import { DEMO_METRICS } from '../../db/seed/demo-catalog';
import { catalogPath, demoUser, postCredentials, signInThroughForm } from './fixtures';

test('the demo viewer signs in and sees the catalog, without edit controls', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await expect(page.getByRole('heading', { name: 'Metrics' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  for (const metric of DEMO_METRICS.slice(0, 4)) {
    await expect(page.getByRole('cell', { name: metric.name, exact: false }).first()).toBeVisible();
  }
  await expect(page.getByText('viewer', { exact: true })).toBeVisible();
  // Row selection (bulk archive / activate) is for editors; the "Stale only" filter is for everyone.
  await expect(page.getByRole('table').getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: 'Stale only' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Archive' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/catalog.png', fullPage: true });
});

test('a wrong password shows a clear message and stays on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(demoUser('viewer').email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\w/ })).toHaveText(
    'Email or password is incorrect.',
  );
  await expect(page).toHaveURL(/\/login/);
});

test('empty fields are refused with a message naming them', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Next adds an empty route-announcer alert of its own; ours is the one with text.
  await expect(page.getByRole('alert').filter({ hasText: /\w/ })).toHaveText('Email is required.');
});

test.describe('the sign-in endpoint answers bad input with a 4xx', () => {
  test('wrong password and unknown user: 401, the same answer', async ({ request }) => {
    const wrong = await postCredentials(request, { email: demoUser('viewer').email, password: 'nope-nope' });
    const unknown = await postCredentials(request, {
      email: 'nobody@demo.sightline.dev',
      password: 'nope-nope',
    });
    expect(wrong.status()).toBe(401);
    expect(unknown.status()).toBe(401);
    expect(new URL(((await wrong.json()) as { url: string }).url).searchParams.get('error')).toBe(
      'CredentialsSignin',
    );
  });

  test('empty fields: 400 naming each field', async ({ request }) => {
    const response = await postCredentials(request, { email: '', password: '' });
    expect(response.status()).toBe(400);
    const body = (await response.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields).toEqual({ email: 'Email is required.', password: 'Password is required.' });
  });

  test('a 10 MB body: 413, and the server keeps serving', async ({ request }) => {
    const response = await request.post('/api/auth/callback/credentials', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: `email=${'a'.repeat(10 * 1024 * 1024)}&password=x`,
    });
    expect(response.status()).toBe(413);
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});

test.describe('pages guard themselves', () => {
  test('an anonymous visitor is sent to sign in, whatever middleware headers say', async ({ page }) => {
    await page.setExtraHTTPHeaders({
      'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
    });
    await page.goto(catalogPath);
    await expect(page).toHaveURL(/\/login$/);
  });

  test("another project's pages are 'not found' for a member of this one", async ({ page }) => {
    await signInThroughForm(page, 'viewer');
    const response = await page.goto('/p/some-other-project/metrics');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });
});
