/**
 * Definitions as code, end to end on a real database: the demo project exported and imported into an empty
 * project is the same catalog (the same file, byte for byte, and the same collected values); a dry run writes
 * nothing; a bad item anywhere refuses the whole file at its path; re-importing changes nothing; a one-field
 * edit is one version and one audit entry.
 */
import { asc, eq } from 'drizzle-orm';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { metricValues, metrics, metricVersions } from '@/db/schema';
import { seedDemo } from '@/db/seed/demo';
import { DEMO_PROJECT } from '@/db/seed/demo-catalog';
import { collectProject, type EngineDeps } from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';
import type { ServiceContext } from '@/lib/context';
import { exportDefinitions, importDefinitions } from '@/lib/definitions/service';
import { AppError } from '@/lib/errors';
import { findProjectBySlug } from '@/lib/projects/queries';
import { openIsolatedTestDb } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';
import {
  auditActions,
  createEmptyProject,
  demoUserContext,
  NOW,
  projectCounts,
  WAREHOUSE_SETUP,
  WAREHOUSE_TEARDOWN,
  type TestProject,
} from './fixtures';

const POLICY: CollectionPolicy = {
  lookback: { hour: 3, day: 2, week: 1 },
  history: { hour: 24 * 6, day: 8, week: 4 },
  chunk: { hour: 48, day: 30, week: 52 },
};

let handle: DbHandle;
let warehouse: OpenedTarget;
let demo: TestProject;
let demoYaml: string;

const resolve = () => warehouse.client;
const deps = { resolve };
const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

async function adminOf(project: TestProject): Promise<ServiceContext> {
  return demoUserContext(handle.db, project, 'admin');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit the parsed file freely
type Loose = Record<string, any>;

/** The demo export with one change made to its parsed form, written back (as JSON, which is YAML too). */
function edited(change: (file: Loose) => void, base = demoYaml): string {
  const file = parse(base) as Loose;
  change(file);
  return JSON.stringify(file);
}

const indexOf = (list: { name: string }[], name: string) => {
  const i = list.findIndex((e) => e.name === name);
  if (i === -1) throw new Error(`no ${name}`);
  return i;
};

beforeAll(async () => {
  // Its own database: the demo's slug is fixed, and a collection tick must see only these projects.
  handle = await openIsolatedTestDb();
  const [target] = warehouseTargets({ setupSql: WAREHOUSE_SETUP, teardownSql: WAREHOUSE_TEARDOWN });
  if (!target) throw new Error('no warehouse target');
  warehouse = await target.open();
  await seedDemo(handle.db);
  const row = await findProjectBySlug(handle.db, DEMO_PROJECT.slug);
  if (!row) throw new Error('demo project missing');
  demo = row;
  demoYaml = (await exportDefinitions({ ctx: await adminOf(demo) })).yaml;
});

afterAll(async () => {
  await warehouse?.cleanup();
  await handle?.close();
});

describe('export', () => {
  it('writes every kind of definition by name, never an id or a secret', async () => {
    expect(demoYaml).toMatch(/^version: 1$/m);
    expect(demoYaml).toContain('  - name: Revenue per active user');
    expect(demoYaml).toContain('factTable: Orders');
    expect(demoYaml).toContain('a: Revenue\n');
    expect(demoYaml).toContain('dataSource: Demo warehouse');
    expect(demoYaml).toContain('owner: editor@demo.sightline.dev');
    expect(demoYaml).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(demoYaml).not.toMatch(/^\s*(password|caPem|url|signingSecret):/m);
  });

  it('gives the same bytes every time', async () => {
    const again = await exportDefinitions({ ctx: await adminOf(demo) });
    expect(again.yaml).toBe(demoYaml);
    expect(again.filename).toBe(`${DEMO_PROJECT.slug}-definitions.yaml`);
  });
});

describe('importing the demo into an empty project', () => {
  let copy: TestProject;

  beforeAll(async () => {
    copy = await createEmptyProject(handle.db);
  });

  it('plans a create for everything, and the dry run writes nothing', async () => {
    const before = await projectCounts(handle.db, copy.id);
    const result = await importDefinitions({ ctx: await adminOf(copy), input: { yaml: demoYaml }, deps });
    expect(result.applied).toBe(false);
    expect(result.counts).toEqual({ create: 1 + 3 + 11, update: 0, unchanged: 0, left_alone: 0 });
    expect(result.entries.every((e) => e.action === 'create')).toBe(true);
    expect(await projectCounts(handle.db, copy.id)).toEqual(before);
  });

  it('yields the same catalog: the same export, byte for byte', async () => {
    const ctx = await adminOf(copy);
    const preview = await importDefinitions({ ctx, input: { yaml: demoYaml }, deps });
    const result = await importDefinitions({
      ctx,
      input: { yaml: demoYaml, apply: true, expectedPlan: preview.plan },
      deps,
    });
    expect(result.applied).toBe(true);
    expect((await exportDefinitions({ ctx })).yaml).toBe(demoYaml);
    // Audited like the UI: one entry per created data source, fact table and metric.
    const actions = await auditActions(handle.db, copy.id);
    expect(actions.filter((a) => a === 'data_source.create')).toHaveLength(1);
    expect(actions.filter((a) => a === 'fact_table.create')).toHaveLength(3);
    expect(actions.filter((a) => a === 'metric.create')).toHaveLength(11);
  });

  it('collects the same values as the demo, metric by metric', async () => {
    const engine: EngineDeps = {
      db: handle.db as EngineDeps['db'],
      now: () => NOW,
      policy: POLICY,
      detect: false,
      retry: { attempts: 1, baseDelayMs: 1 },
      openClient: async () => ({ client: warehouse.client, release: async () => {} }),
    };
    const valuesByName = async (project: TestProject) => {
      const row = await findProjectBySlug(handle.db, project.slug);
      if (!row) throw new Error('project missing');
      const report = await collectProject(engine, { project: row, trigger: 'manual', request: {} });
      expect(report?.run.metricsFailed).toBe(0);
      const rows = await handle.db
        .select({ name: metrics.name, bucket: metricValues.bucketStart, value: metricValues.value })
        .from(metricValues)
        .innerJoin(metrics, eq(metrics.id, metricValues.metricId))
        .where(eq(metrics.projectId, project.id))
        .orderBy(asc(metrics.name), asc(metricValues.bucketStart));
      return rows.map((r) => `${r.name} ${r.bucket.toISOString()} ${r.value}`);
    };
    const original = await valuesByName(demo);
    const copied = await valuesByName(copy);
    expect(original.length).toBeGreaterThan(100);
    expect(new Set(original.map((line) => line.split(' 2026')[0])).size).toBe(10);
    expect(copied).toEqual(original);
  });

  it('re-importing the same file reports everything unchanged and writes nothing, not even an audit entry', async () => {
    const before = await projectCounts(handle.db, copy.id);
    const result = await importDefinitions({
      ctx: await adminOf(copy),
      input: { yaml: demoYaml, apply: true },
      deps,
    });
    expect(result.counts).toEqual({ create: 0, update: 0, unchanged: 15, left_alone: 0 });
    expect(await projectCounts(handle.db, copy.id)).toEqual(before);
  });

  it('a change to one metric reports exactly that field and writes one version and one audit entry', async () => {
    const ctx = await demoUserContext(handle.db, copy, 'editor');
    const yaml = edited((file) => {
      file.metrics[indexOf(file.metrics, 'Refund rate')].sensitivity = 8;
    });
    const before = await projectCounts(handle.db, copy.id);
    const preview = await importDefinitions({ ctx, input: { yaml }, deps });
    const changed = preview.entries.filter((e) => e.action !== 'unchanged');
    expect(changed).toEqual([
      {
        resource: 'metric',
        name: 'Refund rate',
        action: 'update',
        changes: [{ path: 'sensitivity', before: 5, after: 8 }],
        notes: [],
      },
    ]);
    expect(await projectCounts(handle.db, copy.id)).toEqual(before);

    await importDefinitions({ ctx, input: { yaml, apply: true, expectedPlan: preview.plan }, deps });
    const after = await projectCounts(handle.db, copy.id);
    expect(after).toEqual({ ...before, versions: before.versions + 1, audit: before.audit + 1 });
    const [metric] = await handle.db
      .select()
      .from(metrics)
      .where(eq(metrics.name, 'Refund rate'))
      .then((rows) => rows.filter((r) => r.projectId === copy.id));
    expect(metric?.sensitivity).toBe(8);
    expect(metric?.version).toBe(2);
    const versions = await handle.db
      .select()
      .from(metricVersions)
      .where(eq(metricVersions.metricId, metric!.id));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  });

  it('lists what the project has and the file does not as left alone, and deletes nothing', async () => {
    const current = (await exportDefinitions({ ctx: await adminOf(copy) })).yaml;
    const yaml = edited((file) => {
      file.metrics = file.metrics.filter((m: { name: string }) => m.name !== 'Order amount p90');
      file.alertRules = [];
    }, current);
    const before = await projectCounts(handle.db, copy.id);
    const result = await importDefinitions({ ctx: await adminOf(copy), input: { yaml, apply: true }, deps });
    expect(result.entries.filter((e) => e.action === 'left_alone')).toEqual([
      { resource: 'metric', name: 'Order amount p90', action: 'left_alone', changes: [], notes: [] },
    ]);
    expect(await projectCounts(handle.db, copy.id)).toEqual(before);
  });

  it('refuses to apply a plan that is not the one reviewed', async () => {
    const yaml = edited((file) => {
      file.metrics[indexOf(file.metrics, 'Orders')].description = 'Every order.';
    });
    const error = await failure(
      importDefinitions({
        ctx: await adminOf(copy),
        input: { yaml, apply: true, expectedPlan: 'a'.repeat(64) },
        deps,
      }),
    );
    expect(error.code).toBe('conflict');
  });
});

describe('one bad item refuses the whole file, at its path, with nothing written', () => {
  let target: TestProject;

  beforeAll(async () => {
    target = await createEmptyProject(handle.db);
  });

  const cases: { name: string; yaml: () => string; path: string; message: RegExp }[] = [
    {
      name: 'an unknown fact table',
      yaml: () =>
        edited((file) => {
          file.metrics[indexOf(file.metrics, 'Revenue')].definition.operand.factTable = 'Ordrs';
        }),
      path: 'metrics[8].definition.operand.factTable',
      message: /No fact table named "Ordrs".*\(line \d+, column \d+\)/,
    },
    {
      name: 'fact-table SQL that is not a SELECT (after earlier items were written)',
      yaml: () =>
        edited((file) => {
          file.factTables[indexOf(file.factTables, 'Sessions')].sql = 'DELETE FROM sessions';
        }),
      path: 'factTables[2].sql',
      message: /SELECT/,
    },
    {
      name: 'a composition cycle',
      yaml: () =>
        edited((file) => {
          const dau = file.metrics[indexOf(file.metrics, 'Daily active users')];
          dau.definition = { kind: 'composition', op: 'scale', a: 'Revenue per active user', b: null, k: 2 };
        }),
      path: 'metrics[1].definition.a',
      message: /cycle: "Daily active users" reads "Revenue per active user" reads "Daily active users"/,
    },
    {
      name: 'an unknown key',
      yaml: () =>
        edited((file) => {
          file.metrics[0].colour = 'red';
        }),
      path: 'metrics[0].colour',
      message: /Unknown key "colour"/,
    },
    {
      name: 'a password in the file',
      yaml: () =>
        edited((file) => {
          file.dataSources[0].password = 'hunter2';
        }),
      path: 'dataSources[0].password',
      message: /never read from a definitions file/,
    },
    {
      name: 'a __proto__ key',
      yaml: () =>
        demoYaml.replace('metrics:\n  - name:', 'metrics:\n  - __proto__: { polluted: true }\n    name:'),
      path: 'metrics[0].__proto__',
      message: /not allowed/,
    },
    {
      name: 'a 2 MB file',
      yaml: () => `${demoYaml}\n# ${'x'.repeat(2 * 1024 * 1024)}\n`,
      path: 'file',
      message: /at most 1\.0 MB/,
    },
    {
      name: 'text that is not YAML',
      yaml: () => 'version: 1\nmetrics: [\n',
      path: 'file',
      message: /line \d+, column \d+/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const before = await projectCounts(handle.db, target.id);
      const error = await failure(
        importDefinitions({ ctx: await adminOf(target), input: { yaml: c.yaml(), apply: true }, deps }),
      );
      expect(error.fieldErrors?.[c.path], JSON.stringify(error.fieldErrors)).toMatch(c.message);
      expect(await projectCounts(handle.db, target.id)).toEqual(before);
      expect(before.metrics).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});
