import { expect, type Locator, type Page } from '@playwright/test';
import { DEMO_PROJECT } from '../../../db/seed/demo-catalog';

export const metricsPath = `/p/${DEMO_PROJECT.slug}/metrics`;

/** The metric form, driven by its labels the way a person reads it. */
export class MetricFormPage {
  constructor(readonly page: Page) {}

  async openNew() {
    await this.page.goto(`${metricsPath}/new`);
    await expect(this.page.getByRole('heading', { name: 'New metric' })).toBeVisible();
  }

  async openEdit(metricId: string) {
    await this.page.goto(`${metricsPath}/${metricId}/edit`);
    await expect(this.page.getByRole('heading', { name: /^Edit / })).toBeVisible();
  }

  get name(): Locator {
    return this.page.getByLabel('Name', { exact: true });
  }

  /** The CodeMirror editor: its content element is the textbox, labelled by the visible "SQL". */
  get sql(): Locator {
    return this.page.getByRole('textbox', { name: 'SQL', exact: true });
  }

  get preview(): Locator {
    return this.page.getByRole('region', { name: 'Series preview' });
  }

  get versions(): Locator {
    return this.page.getByRole('list', { name: 'Versions' });
  }

  /** The operand fieldset: "Measure" for a single fact metric, "Numerator" / "Denominator" for a ratio. */
  operand(legend: 'Measure' | 'Numerator' | 'Denominator'): Locator {
    return this.page.getByRole('group', { name: legend, exact: true });
  }

  async pickKind(label: 'Fact' | 'Fact ratio' | 'SQL' | 'Composition') {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
  }

  async pickOperand(
    legend: 'Measure' | 'Numerator' | 'Denominator',
    { factTable, aggregation, filters = [] }: { factTable: string; aggregation: string; filters?: string[] },
  ) {
    const group = this.operand(legend);
    await group.getByLabel('Fact table').selectOption({ label: factTable });
    await group.getByLabel('Aggregation', { exact: true }).selectOption(aggregation);
    for (const filter of filters) await group.getByRole('checkbox', { name: filter }).check();
  }

  async runPreview() {
    await this.page.getByRole('button', { name: 'Preview series' }).click();
  }

  /** Waits for a preview with a drawn line, and returns how many buckets had a value. */
  async expectSeries(): Promise<number> {
    await expect(this.preview.getByRole('figure', { name: 'Preview series chart' })).toBeVisible();
    await expect(this.preview.locator('.recharts-line-curve')).toBeVisible();
    const count = Number(await this.preview.getByTestId('preview-point-count').textContent());
    expect(count).toBeGreaterThan(0);
    return count;
  }

  /** Creates the metric and returns its id from the page it lands on. */
  async create(): Promise<string> {
    await this.page.getByRole('button', { name: 'Create metric' }).click();
    await expect(this.page).toHaveURL(new RegExp(`${metricsPath}/[0-9a-f-]{36}$`));
    const id = /\/metrics\/([0-9a-f-]{36})$/.exec(this.page.url())?.[1];
    if (!id) throw new Error(`no metric id in ${this.page.url()}`);
    return id;
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save changes' }).click();
  }
}
