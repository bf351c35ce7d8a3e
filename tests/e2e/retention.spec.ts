import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { signInThroughForm } from './fixtures';

const settingsPath = `/p/${DEMO_PROJECT.slug}/settings`;
const defaultRunsDays = process.env.RETENTION_RUNS_DAYS ?? '30';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** WCAG 2 A and AA on the Retention section, in light and dark: serious and critical findings fail. */
async function expectAccessibleSection(page: Page) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page })
      .include('section[aria-labelledby="retention"]')
      .withTags(['wcag2a', 'wcag2aa'])
      .analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${colorScheme}: ${v.id} ${v.help}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const OUT_OF_RANGE =
  'Collection runs: enter a whole number of days from 1 to 3650, or leave it empty to use the instance default.';

test('an admin keeps collection runs for 7 days, bad days are refused beside the field, and the default comes back', async ({
  page,
}) => {
  await signInThroughForm(page, 'admin');
  await page.goto(settingsPath);
  await expect(page.getByRole('heading', { name: 'Retention' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Retention windows' });
  const runs = form.getByLabel('Collection runs', { exact: true });
  await expect(runs).toHaveAccessibleDescription(new RegExp(`^Instance default: ${defaultRunsDays} days\\.`));
  await expect(page.getByTestId('retention-summary')).toContainText('uses the instance defaults');
  await expect(runs).toHaveValue('');

  for (const bad of ['0', '99999']) {
    await runs.fill(bad);
    await form.getByRole('button', { name: 'Save retention' }).click();
    await expect(runs).toHaveAttribute('aria-invalid', 'true');
    await expect(runs).toHaveAccessibleDescription(new RegExp(`^${escape(OUT_OF_RANGE)}`));
    await expect(form.getByText('Retention saved')).toHaveCount(0);
  }
  await expectAccessibleSection(page);
  // Nothing was saved.
  await page.reload();
  await expect(runs).toHaveValue('');

  await runs.fill('7');
  await form.getByRole('button', { name: 'Save retention' }).click();
  await expect(form.getByText('Retention saved')).toBeVisible();
  await page.reload();
  await expect(runs).toHaveValue('7');
  await expect(page.getByTestId('retention-summary')).toContainText('left empty uses the instance default');

  // Back to the instance default, so the demo project is left as it was.
  await form.getByRole('button', { name: 'Collection runs: use the instance default' }).click();
  await expect(runs).toHaveValue('');
  await form.getByRole('button', { name: 'Save retention' }).click();
  await expect(form.getByText('Retention saved')).toBeVisible();
  await page.reload();
  await expect(runs).toHaveValue('');
  await expect(page.getByTestId('retention-summary')).toContainText('uses the instance defaults');
});

test('a viewer sees how long history is kept, but no form to change it', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(settingsPath);
  await expect(page.getByText('Admins change retention')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Retention windows' })).toHaveCount(0);
  const runs = page.getByTestId('retention-row').filter({ hasText: 'Collection runs' });
  await expect(runs).toContainText(`${defaultRunsDays} days`);
  await expect(runs).toContainText('Instance default');
  await expectAccessibleSection(page);
});
