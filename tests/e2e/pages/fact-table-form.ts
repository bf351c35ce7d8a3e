import { expect, type Locator, type Page } from '@playwright/test';
import { DEMO_DATA_SOURCE, DEMO_PROJECT } from '../../../db/seed/demo-catalog';

export const factTablesPath = `/p/${DEMO_PROJECT.slug}/fact-tables`;

/** The fact-table form, driven by its labels the way a person reads it. */
export class FactTableFormPage {
  constructor(readonly page: Page) {}

  async openNew() {
    await this.page.goto(factTablesPath);
    await this.page.getByRole('link', { name: 'New fact table' }).click();
    await expect(this.page.getByRole('heading', { name: 'New fact table' })).toBeVisible();
  }

  get sql(): Locator {
    return this.page.getByLabel('SQL', { exact: true });
  }

  get preview(): Locator {
    return this.page.getByRole('region', { name: 'Preview' });
  }

  rowFilter(n: number): Locator {
    return this.page.getByRole('group', { name: `Row filter ${n}` });
  }

  async fillDetails({ name, sql }: { name: string; sql: string }) {
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByLabel('Data source').selectOption({ label: DEMO_DATA_SOURCE });
    await this.sql.fill(sql);
  }

  async runPreview() {
    await this.page.getByRole('button', { name: 'Preview', exact: true }).click();
  }

  async addRowFilter(n: number, { name, expression }: { name: string; expression: string }) {
    await this.page.getByRole('button', { name: 'Add row filter' }).click();
    await this.rowFilter(n).getByLabel('Filter name').fill(name);
    await this.rowFilter(n).getByLabel('Condition').fill(expression);
  }

  async create() {
    await this.page.getByRole('button', { name: 'Create fact table' }).click();
  }
}
