import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { DEMO_PROJECT } from '../../db/seed/demo-catalog';
import { catalogPath, signInThroughForm } from './fixtures';

const definitionsPath = `/p/${DEMO_PROJECT.slug}/settings/definitions`;

test('an admin downloads the definitions, imports a changed copy after reviewing the diff, and sees it in the catalog', async ({
  page,
}) => {
  await signInThroughForm(page, 'admin');
  await page.goto(definitionsPath);
  await expect(page.getByRole('heading', { name: 'Definitions as code' })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download YAML' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${DEMO_PROJECT.slug}-definitions.yaml`);
  const exported = await readFile(await download.path(), 'utf8');
  expect(exported).toContain('  - name: Revenue\n');
  expect(exported).toContain('factTable: Orders');
  expect(exported).not.toMatch(/password/i);

  // A description no earlier run left behind, so there is always exactly one change to apply.
  const description = `Completed order amounts, summed (e2e ${Date.now()}).`;
  const changed = exported.replace(
    /( {2}- name: Revenue\n {4}description: ).*\n/,
    (_match, head: string) => `${head}${description}\n`,
  );
  expect(changed).not.toBe(exported);

  await page.getByLabel('Definitions YAML').fill(changed);
  await page.getByRole('button', { name: 'Preview changes' }).click();
  const changes = page.getByRole('list', { name: 'Changes to Revenue' });
  await expect(changes.getByText('description')).toBeVisible();
  await expect(changes.getByText(description)).toBeVisible();
  await expect(page.getByText(/^0 to create, 1 to update, \d+ unchanged/)).toBeVisible();

  await page.getByRole('button', { name: 'Apply 1 change' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported.' })).toContainText('1 updated');

  await page.goto(catalogPath);
  await expect(page.getByText(description)).toBeVisible();
});

test('a file with a bad reference is refused at its path, and nothing can be applied', async ({ page }) => {
  await signInThroughForm(page, 'editor');
  await page.goto(definitionsPath);
  await page
    .getByLabel('Definitions YAML')
    .fill(
      [
        'version: 1',
        'metrics:',
        '  - name: Broken',
        '    interval: day',
        '    definition: { kind: fact, shape: single, operand: { factTable: Nowhere, aggregation: count } }',
      ].join('\n'),
    );
  await page.getByRole('button', { name: 'Preview changes' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'metrics[0].definition.operand.factTable' });
  await expect(alert).toContainText('metrics[0].definition.operand.factTable');
  await expect(alert).toContainText('No fact table named "Nowhere"');
  await expect(page.getByRole('button', { name: /^Apply/ })).toBeDisabled();
});

test('a viewer can download but not import', async ({ page }) => {
  await signInThroughForm(page, 'viewer');
  await page.goto(definitionsPath);
  await expect(page.getByRole('link', { name: 'Download YAML' })).toBeVisible();
  await expect(page.getByLabel('Definitions YAML')).toHaveCount(0);
  await expect(page.getByText('Importing definitions needs the editor role.')).toBeVisible();
});
