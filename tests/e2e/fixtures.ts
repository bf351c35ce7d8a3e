import { expect, type APIRequestContext, type Page, type Request } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_PROJECT, DEMO_USERS } from '../../db/seed/demo-catalog';

export type DemoRole = (typeof DEMO_USERS)[number]['role'];

export const demoUser = (role: DemoRole) => {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`no demo ${role}`);
  return { email: user.email, password: DEMO_PASSWORD };
};

export const catalogPath = `/p/${DEMO_PROJECT.slug}/metrics`;

/** Signs in through the real form, the way a person does. */
export async function signInThroughForm(page: Page, role: DemoRole) {
  const { email, password } = demoUser(role);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${catalogPath}$`));
}

/** Posts to the credentials callback the way next-auth's client does, with a CSRF token. */
export async function postCredentials(request: APIRequestContext, fields: Record<string, string>) {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  return request.post('/api/auth/callback/credentials', {
    form: { csrfToken, json: 'true', callbackUrl: '/', ...fields },
  });
}

/**
 * Sends a server-action request captured from another user's page again, with this page's session: what a user
 * who copies someone else's request would get back (the action's RSC payload, as text).
 */
export async function replayServerAction(page: Page, captured: Request): Promise<string> {
  const response = await page.request.post(captured.url(), {
    headers: {
      'next-action': captured.headers()['next-action'] ?? '',
      'content-type': captured.headers()['content-type'] ?? 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      origin: new URL(captured.url()).origin,
    },
    data: captured.postData() ?? '',
  });
  return response.text();
}
