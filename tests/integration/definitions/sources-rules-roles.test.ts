/**
 * Importing what needs care: data sources (created without a password, admin only, as in Sources), fact tables
 * on a source that cannot be queried yet (checked against the file's columns), alert rules (their webhook
 * secrets read only when a rule is created, never exported), and the roles that may import at all.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { alertRules, dataSources, factTables } from '@/db/schema';
import { COLUMNS_NOTE, PASSWORD_NOTE, RULE_SECRET_NOTE } from '@/lib/definitions/plan';
import { exportDefinitions, importDefinitions } from '@/lib/definitions/service';
import { AppError } from '@/lib/errors';
import type { ResolveHost } from '@/lib/net/outbound-guard';
import { createDataSource } from '@/lib/sources/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';
import { projectCounts, WAREHOUSE_SETUP, WAREHOUSE_TEARDOWN } from './fixtures';

const publicResolver: ResolveHost = async () => [{ address: '93.184.216.34', family: 4 }];
const outbound = { resolve: publicResolver, allowedHosts: '' };
const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const HOOK_URL = 'https://hooks.example.com/services/T000/B000/SENTINELpath';

let handle: DbHandle;
let warehouse: OpenedTarget;
const deps = () => ({ resolve: () => warehouse.client, outbound });
const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

const analytics = [
  'dataSources:',
  '  - name: Analytics',
  '    kind: postgres',
  '    host: db.example.com',
  '    database: analytics',
  '    user: reader',
].join('\n');

const ordersOnAnalytics = (columns: string) =>
  [
    'factTables:',
    '  - name: Orders',
    '    dataSource: Analytics',
    '    sql: SELECT order_id, created_at, amount, status FROM orders',
    '    timestampColumn: created_at',
    '    rowFilters:',
    '      - { name: completed, expression: "status = \'completed\'" }',
    columns,
  ].join('\n');

const ORDER_COLUMNS = [
  '    columns:',
  '      - { name: order_id, type: number, nativeType: int8 }',
  '      - { name: created_at, type: timestamp, nativeType: timestamptz }',
  '      - { name: amount, type: number, nativeType: numeric }',
  '      - { name: status, type: string, nativeType: text }',
].join('\n');

const revenueMetric = [
  'metrics:',
  '  - name: Revenue',
  '    interval: day',
  '    lifecycle: active',
  '    tags: [sales]',
  '    definition:',
  '      kind: fact',
  '      shape: single',
  '      operand: { factTable: Orders, aggregation: sum, column: amount, rowFilters: [completed] }',
].join('\n');

beforeAll(async () => {
  handle = await openTestDb();
  const [target] = warehouseTargets({ setupSql: WAREHOUSE_SETUP, teardownSql: WAREHOUSE_TEARDOWN });
  if (!target) throw new Error('no warehouse target');
  warehouse = await target.open();
});

afterAll(async () => {
  await warehouse?.cleanup();
  await handle?.close();
});

describe('data sources', () => {
  let p: TestProjectFixture;
  beforeAll(async () => {
    p = await createTestProject(handle.db, 'Definitions sources');
  });

  it('creates a new data source without a password, says so, and checks its fact tables against the file', async () => {
    const yaml = ['version: 1', analytics, ordersOnAnalytics(ORDER_COLUMNS), revenueMetric].join('\n');
    const ctx = p.ctx('admin');
    const preview = await importDefinitions({ ctx, input: { yaml }, deps: deps() });
    const notes = Object.fromEntries(preview.entries.map((e) => [`${e.resource}:${e.name}`, e.notes]));
    expect(notes).toEqual({
      'data_source:Analytics': [PASSWORD_NOTE],
      'fact_table:Orders': [COLUMNS_NOTE],
      'metric:Revenue': [],
    });
    await importDefinitions({ ctx, input: { yaml, apply: true }, deps: deps() });

    const [source] = await handle.db
      .select()
      .from(dataSources)
      .where(eq(dataSources.projectId, p.project.id));
    expect(source?.secrets).toEqual({});
    expect(source?.config).toEqual({
      host: 'db.example.com',
      port: 5432,
      database: 'analytics',
      user: 'reader',
      sslmode: 'require',
    });
    const [table] = await handle.db.select().from(factTables).where(eq(factTables.projectId, p.project.id));
    expect(table?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'order_id:number',
      'created_at:timestamp',
      'amount:number',
      'status:string',
    ]);

    const exported = (await exportDefinitions({ ctx })).yaml;
    expect(exported).toContain('    host: db.example.com\n');
    expect(exported).not.toMatch(/password/);
    const again = await importDefinitions({ ctx, input: { yaml: exported, apply: true }, deps: deps() });
    expect(again.counts.unchanged).toBe(3);
  });

  it('refuses a fact table on a source without a password when the file lists no columns', async () => {
    const q = await createTestProject(handle.db, 'Definitions no columns');
    const yaml = ['version: 1', analytics, ordersOnAnalytics('')].join('\n');
    const error = await failure(
      importDefinitions({ ctx: q.ctx('admin'), input: { yaml, apply: true }, deps: deps() }),
    );
    expect(error.fieldErrors?.['factTables[0].columns']).toMatch(/no password yet.*\(line 9, column 5\)$/);
    expect((await projectCounts(handle.db, q.project.id)).dataSources).toBe(0);
  });

  it('still checks those fact tables: the timestamp column must be one of the listed columns', async () => {
    const q = await createTestProject(handle.db, 'Definitions bad timestamp');
    const columns = ORDER_COLUMNS.replace('type: timestamp', 'type: string');
    const yaml = ['version: 1', analytics, ordersOnAnalytics(columns)].join('\n');
    const error = await failure(
      importDefinitions({ ctx: q.ctx('admin'), input: { yaml, apply: true }, deps: deps() }),
    );
    expect(error.fieldErrors?.['factTables[0].timestampColumn']).toMatch(/not a timestamp/);
    expect(await projectCounts(handle.db, q.project.id)).toMatchObject({ dataSources: 0, factTables: 0 });
  });

  it('refuses a sql metric on a source that cannot be queried yet', async () => {
    const q = await createTestProject(handle.db, 'Definitions sql metric');
    const yaml = [
      'version: 1',
      analytics,
      'metrics:',
      '  - name: Daily orders',
      '    interval: day',
      '    definition:',
      '      kind: sql',
      '      dataSource: Analytics',
      "      sql: SELECT date_trunc('day', created_at) AS bucket, count(*) AS value FROM orders WHERE created_at >= {{start}} AND created_at < {{end}} GROUP BY 1",
    ].join('\n');
    const error = await failure(
      importDefinitions({ ctx: q.ctx('admin'), input: { yaml, apply: true }, deps: deps() }),
    );
    expect(error.fieldErrors?.['metrics[0].definition.dataSource']).toMatch(/no password yet/);
  });
});

describe('roles', () => {
  let p: TestProjectFixture;
  beforeAll(async () => {
    p = await createTestProject(handle.db, 'Definitions roles');
    // A source with a password: its fact tables are checked against the warehouse (the test's, via resolve).
    await createDataSource({
      ctx: p.ctx('admin'),
      input: {
        kind: 'postgres',
        name: 'Analytics',
        host: 'db.example.com',
        database: 'analytics',
        user: 'reader',
        password: 'correct horse',
      },
      deps: outbound,
    });
  });

  it('lets an editor import fact tables and metrics on the existing data sources', async () => {
    const yaml = ['version: 1', analytics, ordersOnAnalytics(''), revenueMetric].join('\n');
    const result = await importDefinitions({
      ctx: p.ctx('editor'),
      input: { yaml, apply: true },
      deps: deps(),
    });
    expect(result.counts).toEqual({ create: 2, update: 0, unchanged: 1, left_alone: 0 });
    // Read from the warehouse, not the file: the query returns these columns.
    const [table] = await handle.db.select().from(factTables).where(eq(factTables.projectId, p.project.id));
    expect(table?.columns.map((c) => `${c.name}:${c.nativeType}`)).toEqual([
      'order_id:int8',
      'created_at:timestamptz',
      'amount:numeric',
      'status:text',
    ]);
  });

  it('needs the admin role to create or change a data source, as in Sources', async () => {
    const yaml = ['version: 1', analytics.replace('user: reader', 'user: writer')].join('\n');
    const error = await failure(importDefinitions({ ctx: p.ctx('editor'), input: { yaml }, deps: deps() }));
    expect(error.code).toBe('forbidden');
    expect(error.fieldErrors?.['dataSources[0]']).toMatch(/admin role/);
    const result = await importDefinitions({ ctx: p.ctx('admin'), input: { yaml }, deps: deps() });
    expect(result.entries[0]?.changes).toEqual([{ path: 'user', before: 'reader', after: 'writer' }]);
  });

  it('refuses viewers, even a dry run', async () => {
    const error = await failure(
      importDefinitions({ ctx: p.ctx('viewer'), input: { yaml: 'version: 1\n' }, deps: deps() }),
    );
    expect(error.code).toBe('forbidden');
  });

  it('lets viewers export', async () => {
    const { yaml } = await exportDefinitions({ ctx: p.ctx('viewer') });
    expect(yaml).toContain('  - name: Revenue\n');
  });
});

describe('alert rules', () => {
  let p: TestProjectFixture;
  const rule = (channel: string) =>
    [
      'alertRules:',
      '  - name: Sales anomalies',
      '    scope: { type: metrics, metrics: [Revenue] }',
      '    condition: { type: anomaly, minSeverity: high, direction: down }',
      channel,
      '    muteWindows:',
      "      - { startsAt: '2026-12-24T18:00:00+01:00', endsAt: '2026-12-26T00:00:00Z' }",
    ].join('\n');

  beforeAll(async () => {
    p = await createTestProject(handle.db, 'Definitions rules');
    await createDataSource({
      ctx: p.ctx('admin'),
      input: {
        kind: 'postgres',
        name: 'Analytics',
        host: 'db.example.com',
        database: 'a',
        user: 'r',
        password: 'pw',
      },
      deps: outbound,
    });
    const yaml = ['version: 1', ordersOnAnalytics(''), revenueMetric].join('\n');
    await importDefinitions({ ctx: p.ctx('editor'), input: { yaml, apply: true }, deps: deps() });
  });

  it('needs the webhook URL and signing secret to create a rule', async () => {
    const yaml = ['version: 1', rule('    channel: { type: webhook }')].join('\n');
    const error = await failure(importDefinitions({ ctx: p.ctx('editor'), input: { yaml }, deps: deps() }));
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'alertRules[0].channel.signingSecret',
      'alertRules[0].channel.url',
    ]);
  });

  it('creates it from the file, exports it without its secrets, and re-reads the export as unchanged', async () => {
    const channel = `    channel: { type: webhook, url: '${HOOK_URL}', signingSecret: ${SIGNING_SECRET} }`;
    const yaml = ['version: 1', rule(channel)].join('\n');
    const created = await importDefinitions({
      ctx: p.ctx('editor'),
      input: { yaml, apply: true },
      deps: deps(),
    });
    expect(created.counts.create).toBe(1);
    const [row] = await handle.db.select().from(alertRules).where(eq(alertRules.projectId, p.project.id));
    expect(row?.targetHost).toBe('hooks.example.com');
    expect(row?.muteWindows).toEqual([
      { startsAt: '2026-12-24T17:00:00.000Z', endsAt: '2026-12-26T00:00:00.000Z' },
    ]);

    const exported = (await exportDefinitions({ ctx: p.ctx('viewer') })).yaml;
    expect(exported).toContain('      type: metrics\n      metrics: [Revenue]\n');
    expect(exported).not.toContain('SENTINEL');
    expect(exported).not.toContain(SIGNING_SECRET);
    const reread = await importDefinitions({ ctx: p.ctx('editor'), input: { yaml: exported }, deps: deps() });
    expect(reread.counts).toEqual({ create: 0, update: 0, unchanged: 4, left_alone: 0 });

    // The original file again: unchanged, and the secrets in it are said to be ignored for an existing rule.
    const again = await importDefinitions({ ctx: p.ctx('editor'), input: { yaml }, deps: deps() });
    const entry = again.entries.find((e) => e.resource === 'alert_rule');
    expect(entry).toMatchObject({ action: 'unchanged', notes: [RULE_SECRET_NOTE] });
  });

  it('names scoped metrics that do not exist', async () => {
    const yaml = [
      'version: 1',
      rule('    channel: { type: slack }').replace('[Revenue]', '[Revenue, Profit]'),
    ].join('\n');
    const error = await failure(importDefinitions({ ctx: p.ctx('editor'), input: { yaml }, deps: deps() }));
    expect(error.fieldErrors?.['alertRules[0].scope.metrics[1]']).toMatch(/No metric named "Profit"/);
  });
});
