/**
 * Everything the demo needs in its databases: migrations, the demo project, and the demo warehouse (regenerated
 * when its data was made on an earlier day, so the demo always ends today).
 */
import { mkdir } from 'node:fs/promises';
import { defaultDbConfig, openDb } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { embeddedWarehouseDir, openEmbeddedWarehouse } from '@/lib/warehouse/embedded';
import { resetCollection } from '@/lib/collection/queries';
import { findProjectBySlug } from '@/lib/projects/queries';
import { seedDemo } from './demo';
import { DEMO_PROJECT } from './demo-catalog';
import { demoWarehouseAnchor, seedDemoWarehouse } from './demo-warehouse';

export type Progress = (message: string) => void;

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function migrateAndSeed({ progress, now = new Date() }: { progress: Progress; now?: Date }) {
  const config = defaultDbConfig();
  if (config.pgliteDir) await mkdir(config.pgliteDir, { recursive: true });
  const handle = await openDb({ ...config, applicationName: 'sightline-seed' });
  try {
    progress(`Migrating the app database (${handle.driver})…`);
    await migrateDb(handle);
    const summary = await seedDemo(handle.db);
    progress(
      summary.created.length > 0
        ? `Seeded ${summary.created.length} demo objects.`
        : 'Demo project already seeded.',
    );
  } finally {
    await handle.close();
  }
  const regenerated = await seedWarehouse({ progress, now });
  if (regenerated) await forgetDemoSeries(progress);
}

/** Series collected from an earlier day's demo warehouse no longer match it: collect them again. */
async function forgetDemoSeries(progress: Progress) {
  const handle = await openDb({ ...defaultDbConfig(), applicationName: 'sightline-seed' });
  try {
    const project = await findProjectBySlug(handle.db, DEMO_PROJECT.slug);
    if (!project) return;
    const metrics = await resetCollection(handle.db, { projectId: project.id });
    if (metrics > 0) progress(`The demo warehouse changed: ${metrics} demo metrics will be collected again.`);
  } finally {
    await handle.close();
  }
}

async function seedWarehouse({ progress, now }: { progress: Progress; now: Date }): Promise<boolean> {
  const dir = embeddedWarehouseDir();
  await mkdir(dir, { recursive: true });
  const warehouse = await openEmbeddedWarehouse(dir);
  try {
    const anchor = startOfUtcDay(now);
    const current = await demoWarehouseAnchor(
      async (text) => (await warehouse.query<{ anchor: string | Date }>(text)).rows,
    );
    if (current && current.getTime() >= anchor.getTime()) {
      progress('Demo warehouse is up to date.');
      return false;
    }
    progress('Generating the demo warehouse (120 days of orders, sessions and deployments)…');
    const started = performance.now();
    const { tables } = await seedDemoWarehouse((text) => warehouse.exec(text), { anchor });
    const rows = Object.values(tables).reduce((a, b) => a + b, 0);
    progress(
      `Demo warehouse ready: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    return true;
  } finally {
    await warehouse.close();
  }
}
