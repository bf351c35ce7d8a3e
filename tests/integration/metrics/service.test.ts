/**
 * The metric verbs for fact and composition metrics: the checks that need the database (each reported at its
 * field), versions and their diffs, optimistic concurrency, cycles, tenancy and roles, and delete protection.
 * Fact tables are written directly with known columns, so no warehouse is needed here.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, metricDependencies, metricVersions, metrics } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { insertFactTable, insertRowFilter } from '@/lib/fact-tables/queries';
import {
  createMetric,
  deleteMetric,
  getMetric,
  listMetricVersions,
  setMetricsLifecycle,
  updateMetric,
  type MetricDto,
} from '@/lib/metrics/service';
import { insertDataSource } from '@/lib/sources/queries';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;

type Table = { id: string; name: string; filters: Record<string, string> };
let orders: Table;
let sessions: Table;
/** On a second data source of project A. */
let tickets: Table;
/** In project B. */
let foreign: Table;
let foreignMetric: MetricDto;

const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

async function factTable(
  projectId: string,
  dataSourceId: string,
  name: string,
  columns: [string, 'number' | 'string' | 'boolean' | 'timestamp'][],
  filters: string[],
): Promise<Table> {
  const row = await insertFactTable(handle.db, {
    projectId,
    dataSourceId,
    name: `${name} ${uniqueSuffix()}`,
    sql: `SELECT * FROM ${name}`,
    timestampColumn: columns.find(([, type]) => type === 'timestamp')?.[0] ?? 'ts',
    columns: columns.map(([column, type]) => ({ name: column, type, nativeType: type })),
  });
  const ids: Record<string, string> = {};
  for (const filter of filters) {
    ids[filter] = (
      await insertRowFilter(handle.db, { projectId, factTableId: row.id, name: filter, expression: 'true' })
    ).id;
  }
  return { id: row.id, name: row.name, filters: ids };
}

const source = async (projectId: string) =>
  (
    await insertDataSource(handle.db, {
      projectId,
      name: `Warehouse ${uniqueSuffix()}`,
      kind: 'embedded',
      config: {},
    })
  ).id;

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Metrics A');
  b = await createTestProject(handle.db, 'Metrics B');
  const [sourceA, otherSourceA, sourceB] = [
    await source(a.project.id),
    await source(a.project.id),
    await source(b.project.id),
  ];
  orders = await factTable(
    a.project.id,
    sourceA,
    'orders',
    [
      ['id', 'number'],
      ['created_at', 'timestamp'],
      ['amount', 'number'],
      ['status', 'string'],
      ['country', 'string'],
      ['is_test', 'boolean'],
    ],
    ['completed', 'refunded'],
  );
  sessions = await factTable(
    a.project.id,
    sourceA,
    'sessions',
    [
      ['started_at', 'timestamp'],
      ['user_id', 'number'],
      ['platform', 'string'],
    ],
    ['mobile'],
  );
  tickets = await factTable(a.project.id, otherSourceA, 'tickets', [['opened_at', 'timestamp']], []);
  foreign = await factTable(b.project.id, sourceB, 'orders', [['created_at', 'timestamp']], ['secret']);
  foreignMetric = await createMetric({
    ctx: b.ctx('editor'),
    input: {
      name: 'Foreign orders',
      interval: 'day',
      definition: {
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: foreign.id, aggregation: 'count' },
      },
    },
  });
});

afterAll(async () => handle?.close());

const single = (operand: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: `Metric ${uniqueSuffix()}`,
  interval: 'day',
  definition: { kind: 'fact', shape: 'single', operand: { factTableId: orders.id, ...operand }, ...extra },
});

const countOrders = (overrides: Record<string, unknown> = {}) =>
  createMetric({ ctx: a.ctx('editor'), input: { ...single({ aggregation: 'count' }), ...overrides } });

const composition = (definition: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
  name: `Composition ${uniqueSuffix()}`,
  interval: 'day',
  definition: { kind: 'composition', ...definition },
  ...overrides,
});

/** The update input that re-saves a metric as it is, with changes on top. */
const edit = (metric: MetricDto, changes: Record<string, unknown> = {}) => ({
  metricId: metric.id,
  expectedVersion: metric.version,
  name: metric.name,
  description: metric.description,
  ownerId: metric.ownerId,
  tags: metric.tags,
  unit: metric.unit,
  format: metric.format,
  direction: metric.direction,
  interval: metric.interval,
  lifecycle: metric.lifecycle,
  sensitivity: metric.sensitivity,
  definition: metric.definition,
  ...changes,
});

const dependenciesOf = async (metricId: string) =>
  (await handle.db.select().from(metricDependencies).where(eq(metricDependencies.metricId, metricId)))
    .map((d) => d.factTableId ?? `metric:${d.inputMetricId}`)
    .sort();
const versionsOf = (metricId: string) =>
  handle.db.select().from(metricVersions).where(eq(metricVersions.metricId, metricId));
const auditFor = (metricId: string) =>
  handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, metricId));
const metricsOf = (projectId: string) =>
  handle.db.select().from(metrics).where(eq(metrics.projectId, projectId));
const auditsBy = (userId: string) =>
  handle.db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.projectId, a.project.id), eq(auditEntries.actorId, userId)));

describe('createMetric', () => {
  it('creates a fact metric with row filters and breakdowns at version 1, with its dependency and audit', async () => {
    const input = {
      ...single(
        { aggregation: 'sum', column: 'amount', rowFilterIds: [orders.filters.completed] },
        { breakdowns: ['country', 'is_test'] },
      ),
      ownerId: a.users.editor.id,
      tags: ['sales'],
      unit: 'USD',
      format: 'currency',
    };
    const metric = await createMetric({ ctx: a.ctx('editor'), input });
    expect(metric).toMatchObject({
      name: input.name,
      kind: 'fact',
      valueKind: 'count',
      version: 1,
      lifecycle: 'draft',
      ownerName: expect.stringContaining('editor'),
      readBy: [],
      definition: {
        kind: 'fact',
        shape: 'single',
        operand: { aggregation: 'sum', column: 'amount', rowFilterIds: [orders.filters.completed] },
        breakdowns: ['country', 'is_test'],
        topN: 10,
      },
    });
    expect(await dependenciesOf(metric.id)).toEqual([orders.id]);
    const [version] = await versionsOf(metric.id);
    expect(version).toMatchObject({ version: 1, changedBy: a.users.editor.id });
    expect(version?.snapshot).toMatchObject({
      name: input.name,
      tags: ['sales'],
      definition: metric.definition,
    });
    const [entry] = await auditFor(metric.id);
    expect(entry).toMatchObject({
      action: 'metric.create',
      actorId: a.users.editor.id,
      metadata: { after: { version: 1, name: input.name } },
    });
    expect(await getMetric({ ctx: a.ctx('viewer'), input: { metricId: metric.id } })).toEqual(metric);
  });

  it('creates a ratio over two fact tables of the same data source', async () => {
    const metric = await createMetric({
      ctx: a.ctx('editor'),
      input: {
        name: `Revenue per session ${uniqueSuffix()}`,
        interval: 'hour',
        definition: {
          kind: 'fact',
          shape: 'ratio',
          numerator: {
            factTableId: orders.id,
            aggregation: 'sum',
            column: 'amount',
            rowFilterIds: [orders.filters.completed],
          },
          denominator: {
            factTableId: sessions.id,
            aggregation: 'count',
            rowFilterIds: [sessions.filters.mobile],
          },
        },
      },
    });
    expect(metric).toMatchObject({ kind: 'fact', valueKind: 'fractional', interval: 'hour' });
    expect(await dependenciesOf(metric.id)).toEqual([orders.id, sessions.id].sort());
  });

  it('creates compositions whose value kind follows their inputs', async () => {
    const first = await countOrders();
    const second = await countOrders();
    const sum = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'add', a: first.id, b: second.id }),
    });
    expect(sum).toMatchObject({ kind: 'composition', valueKind: 'count' });
    expect(await dependenciesOf(sum.id)).toEqual([`metric:${first.id}`, `metric:${second.id}`].sort());

    const share = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'div', a: first.id, b: second.id, k: 3 }),
    });
    // A division is fractional, and the factor it does not use is dropped.
    expect(share).toMatchObject({ valueKind: 'fractional', definition: { k: null } });

    const scaled = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: first.id, b: second.id, k: 100 }),
    });
    expect(scaled).toMatchObject({ valueKind: 'count', definition: { b: null, k: 100 } });
    expect(await dependenciesOf(scaled.id)).toEqual([`metric:${first.id}`]);

    const readers = (await getMetric({ ctx: a.ctx('viewer'), input: { metricId: first.id } })).readBy;
    expect(readers.map((r) => r.id).sort()).toEqual([sum.id, share.id, scaled.id].sort());
  });

  it('returns every problem of a fact definition at once, each at its field', async () => {
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: {
          ...single(
            { aggregation: 'sum', column: 'revenue', rowFilterIds: [sessions.filters.mobile] },
            { breakdowns: ['region', 'created_at'] },
          ),
          ownerId: b.users.editor.id,
        },
      }),
    );
    expect(error.code).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'definition.breakdowns.0',
      'definition.breakdowns.1',
      'definition.operand.column',
      'definition.operand.rowFilterIds.0',
      'ownerId',
    ]);
    expect(error.fieldErrors?.['definition.operand.column']).toMatch(/no column "revenue"/);
    expect(error.fieldErrors?.['definition.operand.rowFilterIds.0']).toMatch(/does not belong/);
    expect(error.fieldErrors?.['definition.breakdowns.0']).toMatch(/no column "region"/);
    expect(error.fieldErrors?.['definition.breakdowns.1']).toMatch(/timestamp/);
    expect(error.fieldErrors?.ownerId).toBe('Pick a member of this project.');
    expect(await metricsOf(a.project.id)).not.toContainEqual(expect.objectContaining({ name: 'revenue' }));
  });

  it.each([
    ['sum', 'status', /pick a number column/],
    ['avg', 'created_at', /pick a number column/],
    ['p90', 'is_test', /pick a number column/],
    ['min', 'status', /pick a number or timestamp column/],
  ])('refuses to %s the %s column', async (aggregation, column, message) => {
    const error = await failure(
      createMetric({ ctx: a.ctx('editor'), input: single({ aggregation, column }) }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors).toEqual({ 'definition.operand.column': expect.stringMatching(message) });
  });

  it.each([
    ['max', 'created_at'],
    ['count_distinct', 'status'],
    ['count', 'is_test'],
    ['p99', 'amount'],
  ])('accepts %s of %s', async (aggregation, column) => {
    const metric = await createMetric({ ctx: a.ctx('editor'), input: single({ aggregation, column }) });
    expect(metric.definition).toMatchObject({ operand: { aggregation, column } });
  });

  it('refuses a breakdown or row filter listed twice before looking anything up', async () => {
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: single(
          { aggregation: 'count', rowFilterIds: [orders.filters.completed, orders.filters.completed] },
          { breakdowns: ['country', 'country'] },
        ),
      }),
    );
    expect(error.fieldErrors).toEqual({
      'definition.operand.rowFilterIds.1': 'Listed twice.',
      'definition.breakdowns.1': 'Listed twice.',
    });
  });

  it('refuses a ratio whose operands are on different data sources', async () => {
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: {
          name: `Tickets per order ${uniqueSuffix()}`,
          interval: 'day',
          definition: {
            kind: 'fact',
            shape: 'ratio',
            numerator: { factTableId: tickets.id, aggregation: 'count' },
            denominator: { factTableId: orders.id, aggregation: 'count' },
          },
        },
      }),
    );
    expect(error.fieldErrors).toEqual({
      'definition.denominator.factTableId': expect.stringMatching(/same data source/),
    });
  });

  it("reads another project's fact table, row filter and metric exactly like ids that do not exist", async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const tryFact = async (factTableId: string, rowFilterIds: string[] = []) =>
      (
        await failure(
          createMetric({
            ctx: a.ctx('editor'),
            input: single({ factTableId, aggregation: 'count', rowFilterIds }),
          }),
        )
      ).fieldErrors;
    expect(await tryFact(foreign.id)).toEqual(await tryFact(missing));
    expect(await tryFact(foreign.id)).toEqual({
      'definition.operand.factTableId': 'Fact table not found in this project.',
    });
    expect(await tryFact(orders.id, [foreign.filters.secret!])).toEqual({
      'definition.operand.rowFilterIds.0': expect.stringMatching(/does not belong/),
    });

    const tryComposition = async (input: string) =>
      (
        await failure(
          createMetric({ ctx: a.ctx('editor'), input: composition({ op: 'scale', a: input, k: 2 }) }),
        )
      ).fieldErrors;
    expect(await tryComposition(foreignMetric.id)).toEqual(await tryComposition(missing));
    expect(await tryComposition(foreignMetric.id)).toEqual({
      'definition.a': 'Metric not found in this project.',
    });
  });

  it('refuses a composition over an archived metric or one collected at another interval', async () => {
    const archived = await countOrders({ lifecycle: 'archived' });
    const hourly = await countOrders({ interval: 'hour' });
    const error = await failure(
      createMetric({ ctx: a.ctx('editor'), input: composition({ op: 'sub', a: archived.id, b: hourly.id }) }),
    );
    expect(error.fieldErrors).toEqual({
      'definition.a': expect.stringMatching(/archived/),
      'definition.b': expect.stringMatching(/collected hourly/),
    });
  });

  it('refuses a second metric with the same name as a conflict on the name', async () => {
    const first = await countOrders();
    const error = await failure(countOrders({ name: first.name }));
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors).toEqual({ name: 'Another metric already has this name.' });
  });

  it('refuses a viewer, writing nothing and auditing nothing', async () => {
    const before = (await metricsOf(a.project.id)).length;
    const error = await failure(
      createMetric({ ctx: a.ctx('viewer'), input: single({ aggregation: 'count' }) }),
    );
    expect(error.code).toBe('forbidden');
    expect(await metricsOf(a.project.id)).toHaveLength(before);
    expect(await auditsBy(a.users.viewer.id)).toHaveLength(0);
  });
});

describe('updateMetric', () => {
  it('bumps the version, records who changed what, replaces the dependencies, and asks for a recompute', async () => {
    const metric = await countOrders({ description: 'Every order.' });
    const result = await updateMetric({
      ctx: a.ctx('admin'),
      input: edit(metric, {
        description: 'Completed orders per session.',
        definition: {
          kind: 'fact',
          shape: 'ratio',
          numerator: {
            factTableId: orders.id,
            aggregation: 'count',
            rowFilterIds: [orders.filters.completed],
          },
          denominator: { factTableId: sessions.id, aggregation: 'count' },
        },
      }),
    });
    expect(result).toMatchObject({ changed: true, definitionChanged: true });
    expect(result.metric).toMatchObject({
      version: 2,
      valueKind: 'fractional',
      description: 'Completed orders per session.',
    });
    expect(await dependenciesOf(metric.id)).toEqual([orders.id, sessions.id].sort());

    const versions = await listMetricVersions({ ctx: a.ctx('viewer'), input: { metricId: metric.id } });
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0]?.changedBy).toEqual({ id: a.users.admin.id, name: expect.stringContaining('admin') });
    expect(versions[1]?.changes).toEqual([]);
    const paths = versions[0]?.changes.map((c) => c.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'description',
        'definition.shape',
        'definition.operand',
        'definition.numerator',
      ]),
    );
    expect(versions[0]?.changes).toContainEqual({
      path: 'description',
      before: 'Every order.',
      after: 'Completed orders per session.',
    });

    const entries = (await auditFor(metric.id)).filter((e) => e.action === 'metric.update');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: a.users.admin.id,
      metadata: {
        before: { version: 1, description: 'Every order.' },
        after: { version: 2, description: 'Completed orders per session.' },
        changes: expect.arrayContaining(['description']),
      },
    });
  });

  it('does not ask for a recompute when only the metadata changed', async () => {
    const metric = await countOrders();
    const result = await updateMetric({
      ctx: a.ctx('editor'),
      input: edit(metric, { tags: ['ops'], lifecycle: 'active' }),
    });
    expect(result).toMatchObject({ changed: true, definitionChanged: false, metric: { version: 2 } });
    const interval = await updateMetric({
      ctx: a.ctx('editor'),
      input: edit(result.metric, { interval: 'week' }),
    });
    expect(interval).toMatchObject({ definitionChanged: true, metric: { version: 3, interval: 'week' } });
  });

  it('writes nothing for a save that changes nothing', async () => {
    const metric = await countOrders();
    const result = await updateMetric({ ctx: a.ctx('editor'), input: edit(metric) });
    expect(result).toMatchObject({ changed: false, definitionChanged: false, metric: { version: 1 } });
    expect(await versionsOf(metric.id)).toHaveLength(1);
    expect((await auditFor(metric.id)).map((e) => e.action)).toEqual(['metric.create']);
  });

  it('refuses a save based on a stale version as a conflict, and writes nothing', async () => {
    const metric = await countOrders();
    await updateMetric({ ctx: a.ctx('editor'), input: edit(metric, { description: 'first' }) });
    const error = await failure(
      updateMetric({ ctx: a.ctx('admin'), input: edit(metric, { description: 'second' }) }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/Someone else saved this metric/);
    const stored = await getMetric({ ctx: a.ctx('viewer'), input: { metricId: metric.id } });
    expect(stored).toMatchObject({ version: 2, description: 'first' });
    expect(await versionsOf(metric.id)).toHaveLength(2);
  });

  it('refuses an edit that would form a cycle of compositions, naming the route', async () => {
    const base = await countOrders();
    const doubled = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: base.id, k: 2 }),
    });
    const tripled = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: doubled.id, k: 1.5 }),
    });
    // doubled → base; tripled → doubled. Making doubled read tripled closes the loop.
    const error = await failure(
      updateMetric({
        ctx: a.ctx('editor'),
        input: edit(doubled, { definition: { kind: 'composition', op: 'add', a: base.id, b: tripled.id } }),
      }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors).toEqual({ 'definition.b': expect.stringMatching(/cycle/) });
    expect(error.fieldErrors?.['definition.b']).toContain(tripled.name);

    const self = await failure(
      updateMetric({
        ctx: a.ctx('editor'),
        input: edit(doubled, { definition: { kind: 'composition', op: 'scale', a: doubled.id, k: 2 } }),
      }),
    );
    expect(self.fieldErrors).toEqual({ 'definition.a': 'A metric cannot read itself.' });
    expect(await dependenciesOf(doubled.id)).toEqual([`metric:${base.id}`]);
  });

  it('saves only one of two concurrent edits that would each close half of a cycle', async () => {
    const base = await countOrders();
    const scaleOf = (metricId: string) => ({ kind: 'composition', op: 'scale', a: metricId, k: 2 });
    const x = await createMetric({ ctx: a.ctx('editor'), input: composition(scaleOf(base.id)) });
    const y = await createMetric({ ctx: a.ctx('editor'), input: composition(scaleOf(base.id)) });
    const results = await Promise.allSettled([
      updateMetric({ ctx: a.ctx('editor'), input: edit(x, { definition: scaleOf(y.id) }) }),
      updateMetric({ ctx: a.ctx('admin'), input: edit(y, { definition: scaleOf(x.id) }) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(AppError);
    expect((refused?.reason as AppError).fieldErrors).toEqual({
      'definition.a': expect.stringMatching(/cycle/),
    });
  });

  it('refuses an interval change while compositions read the metric', async () => {
    const base = await countOrders();
    const reader = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: base.id, k: 2 }),
    });
    const error = await failure(
      updateMetric({ ctx: a.ctx('editor'), input: edit(base, { interval: 'hour' }) }),
    );
    expect(error.fieldErrors).toEqual({ interval: expect.stringContaining(reader.name) });
  });

  it('keeps accepting an input that was archived after the composition started reading it', async () => {
    const base = await countOrders();
    const reader = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: base.id, k: 2 }),
    });
    await setMetricsLifecycle({
      ctx: a.ctx('editor'),
      input: { metricIds: [base.id], lifecycle: 'archived' },
    });
    const result = await updateMetric({
      ctx: a.ctx('editor'),
      input: edit(reader, { description: 'still here' }),
    });
    expect(result.metric.version).toBe(2);
  });

  it('refuses a name another metric has', async () => {
    const first = await countOrders();
    const second = await countOrders();
    const error = await failure(
      updateMetric({ ctx: a.ctx('editor'), input: edit(second, { name: first.name }) }),
    );
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors).toEqual({ name: 'Another metric already has this name.' });
  });

  it('refuses a viewer, writing nothing and auditing nothing', async () => {
    const metric = await countOrders();
    const error = await failure(
      updateMetric({ ctx: a.ctx('viewer'), input: edit(metric, { description: 'viewer was here' }) }),
    );
    expect(error.code).toBe('forbidden');
    expect(await getMetric({ ctx: a.ctx('viewer'), input: { metricId: metric.id } })).toEqual(metric);
    expect(await versionsOf(metric.id)).toHaveLength(1);
    expect(await auditsBy(a.users.viewer.id)).toHaveLength(0);
  });
});

describe("another project's metric", () => {
  it("is 'not found' to every verb, and stays unchanged", async () => {
    const ctx = a.ctx('admin');
    const input = { metricId: foreignMetric.id };
    expect((await failure(getMetric({ ctx, input }))).code).toBe('not_found');
    expect((await failure(listMetricVersions({ ctx, input }))).code).toBe('not_found');
    expect((await failure(deleteMetric({ ctx, input }))).code).toBe('not_found');
    expect(
      (await failure(updateMetric({ ctx, input: edit(foreignMetric, { description: 'taken over' }) }))).code,
    ).toBe('not_found');
    expect(await getMetric({ ctx: b.ctx('viewer'), input })).toEqual(foreignMetric);
  });
});

describe('deleteMetric', () => {
  it('refuses while a composition reads the metric, naming it, and deletes it afterwards', async () => {
    const base = await countOrders();
    const reader = await createMetric({
      ctx: a.ctx('editor'),
      input: composition({ op: 'scale', a: base.id, k: 2 }),
    });
    const error = await failure(deleteMetric({ ctx: a.ctx('editor'), input: { metricId: base.id } }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(reader.name);
    expect(await getMetric({ ctx: a.ctx('viewer'), input: { metricId: base.id } })).toMatchObject({
      id: base.id,
    });

    expect(await deleteMetric({ ctx: a.ctx('editor'), input: { metricId: reader.id } })).toEqual({
      id: reader.id,
    });
    await deleteMetric({ ctx: a.ctx('editor'), input: { metricId: base.id } });
    expect((await failure(getMetric({ ctx: a.ctx('viewer'), input: { metricId: base.id } }))).code).toBe(
      'not_found',
    );
    expect(await versionsOf(base.id)).toHaveLength(0);
    const deleted = (await auditFor(base.id)).find((e) => e.action === 'metric.delete');
    expect(deleted).toMatchObject({ actorId: a.users.editor.id, metadata: { before: { name: base.name } } });
  });

  it('refuses a viewer, deleting nothing and auditing nothing', async () => {
    const metric = await countOrders();
    const error = await failure(deleteMetric({ ctx: a.ctx('viewer'), input: { metricId: metric.id } }));
    expect(error.code).toBe('forbidden');
    expect(await getMetric({ ctx: a.ctx('viewer'), input: { metricId: metric.id } })).toMatchObject({
      id: metric.id,
    });
    expect(await auditsBy(a.users.viewer.id)).toHaveLength(0);
  });
});
