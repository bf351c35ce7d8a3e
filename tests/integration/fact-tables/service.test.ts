/**
 * The fact-table verbs against a real embedded warehouse (PGlite in a worker, seeded with an `orders` table):
 * preview, the checks on save, tenancy and roles, and refusing changes that would break metrics.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, factTables, metrics, rowFilters } from '@/db/schema';
import { AppError } from '@/lib/errors';
import {
  createFactTable,
  deleteFactTable,
  getFactTable,
  listFactTables,
  previewFactTable,
  updateFactTable,
  type FactTableDto,
} from '@/lib/fact-tables/service';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { insertDataSource } from '@/lib/sources/queries';
import { EmbeddedWarehouseClient } from '@/lib/warehouse/clients/embedded';
import { connectWarehouse } from '@/lib/warehouse/connect';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';

const ORDERS_SQL = `
  create table orders (id int primary key, created_at timestamptz not null, amount numeric(10, 2) not null,
    status text not null, customer_id int not null);
  insert into orders
    select g, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour', g * 1.5,
      case when g % 10 = 0 then 'refunded' else 'completed' end, g % 7
    from generate_series(1, 150) g;`;

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let client: EmbeddedWarehouseClient;
let warehouseDir: string;
let sourceA: string;
let sourceB: string;
const resolve = () => client;

beforeAll(async () => {
  warehouseDir = await mkdtemp(path.join(os.tmpdir(), 'sightline-ft-'));
  const pg = await PGlite.create(warehouseDir);
  await pg.exec(ORDERS_SQL);
  await pg.close();
  client = new EmbeddedWarehouseClient(warehouseDir);

  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Project A');
  b = await createTestProject(handle.db, 'Project B');
  const source = (projectId: string) =>
    insertDataSource(handle.db, {
      projectId,
      name: `Warehouse ${uniqueSuffix()}`,
      kind: 'embedded',
      config: {},
    });
  sourceA = (await source(a.project.id)).id;
  sourceB = (await source(b.project.id)).id;
});

afterAll(async () => {
  await client?.close();
  await handle?.close();
  if (warehouseDir) await rm(warehouseDir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

const ordersInput = (overrides: Record<string, unknown> = {}) => ({
  name: `Orders ${uniqueSuffix()}`,
  description: 'Every order, one row each.',
  dataSourceId: sourceA,
  sql: 'SELECT id, created_at, amount, status, customer_id FROM orders',
  timestampColumn: 'created_at',
  identifierColumns: ['customer_id'],
  rowFilters: [
    { name: 'completed', expression: "status = 'completed'" },
    { name: 'big orders', expression: 'amount > 100' },
  ],
  ...overrides,
});

const auditFor = (resourceId: string) =>
  handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, resourceId));
const factTablesOf = (projectId: string) =>
  handle.db.select().from(factTables).where(eq(factTables.projectId, projectId));

/** A metric summing `amount` over the `completed` filter, broken down by `status`. */
async function createSumMetric(table: FactTableDto, name = `Revenue ${uniqueSuffix()}`) {
  const completed = table.rowFilters.find((f) => f.name === 'completed');
  if (!completed) throw new Error('fixture needs the completed filter');
  const input = metricInputSchema.parse({
    name,
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: { factTableId: table.id, aggregation: 'sum', column: 'amount', rowFilterIds: [completed.id] },
      breakdowns: ['status'],
    },
  });
  return insertMetric(handle.db, {
    ...input,
    projectId: a.project.id,
    kind: 'fact',
    valueKind: valueKindOf(input.definition),
    dependencies: [{ factTableId: table.id }],
  });
}

describe('previewFactTable', () => {
  it('returns typed columns, the first 100 rows JSON-safe, and the timestamp columns', async () => {
    const preview = await previewFactTable({
      ctx: a.ctx('editor'),
      input: { dataSourceId: sourceA, sql: 'SELECT * FROM orders ORDER BY id' },
      resolve,
    });
    expect(preview.columns).toEqual([
      { name: 'id', type: 'number', nativeType: 'int4' },
      { name: 'created_at', type: 'timestamp', nativeType: 'timestamptz' },
      { name: 'amount', type: 'number', nativeType: 'numeric' },
      { name: 'status', type: 'string', nativeType: 'text' },
      { name: 'customer_id', type: 'number', nativeType: 'int4' },
    ]);
    expect(preview.timestampColumns).toEqual(['created_at']);
    expect(preview).toMatchObject({ rowCount: 100, capped: true });
    expect(preview.rows).toHaveLength(100);
    expect(preview.rows[0]).toMatchObject({
      id: 1,
      created_at: '2025-01-01T01:00:00.000Z',
      status: 'completed',
    });
    // What the browser receives must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(preview.rows))).toEqual(preview.rows);
  });

  it('returns only the rows a row filter keeps, and says when the sample is complete', async () => {
    const preview = await previewFactTable({
      ctx: a.ctx('editor'),
      input: { dataSourceId: sourceA, sql: 'SELECT * FROM orders', rowFilter: "status = 'refunded'" },
      resolve,
    });
    expect(preview).toMatchObject({ rowCount: 15, capped: false });
    expect(preview.rows.every((r) => r.status === 'refunded')).toBe(true);
  });

  it.each([
    ['a DELETE', 'DELETE FROM orders'],
    ['two statements', 'SELECT 1; SELECT 2'],
  ])('refuses %s with a validation error on the SQL field', async (_, sql) => {
    const error = await failure(
      previewFactTable({ ctx: a.ctx('editor'), input: { dataSourceId: sourceA, sql }, resolve }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors?.sql).toBeTruthy();
  });

  it("reports the warehouse's own error for a column that does not exist", async () => {
    const error = await failure(
      previewFactTable({
        ctx: a.ctx('editor'),
        input: { dataSourceId: sourceA, sql: 'SELECT no_such_column FROM orders' },
        resolve,
      }),
    );
    expect(error.code).toBe('warehouse');
    expect(error.message).toContain('no_such_column');
    expect(error.fieldErrors?.sql).toContain('no_such_column');
  });

  it.each([
    ['breaks out of its parentheses', '1=1) OR (1=1', /did not open/],
    ['names an unknown column', 'nope = 1', /Unknown column "nope"/],
  ])('refuses a row filter that %s', async (_, rowFilter, message) => {
    const error = await failure(
      previewFactTable({
        ctx: a.ctx('editor'),
        input: { dataSourceId: sourceA, sql: 'SELECT * FROM orders', rowFilter },
        resolve,
      }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors?.rowFilter).toMatch(message);
  });

  it("answers 'not found' for another project's data source, and refuses viewers", async () => {
    const input = { dataSourceId: sourceB, sql: 'SELECT * FROM orders' };
    expect((await failure(previewFactTable({ ctx: a.ctx('editor'), input, resolve }))).code).toBe(
      'not_found',
    );
    const own = { dataSourceId: sourceA, sql: 'SELECT * FROM orders' };
    expect((await failure(previewFactTable({ ctx: a.ctx('viewer'), input: own, resolve }))).code).toBe(
      'forbidden',
    );
  });
});

describe('createFactTable', () => {
  it('stores the fact table, its introspected columns and row filters, and audits it', async () => {
    const table = await createFactTable({ ctx: a.ctx('editor'), input: ordersInput(), resolve });
    expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:number',
      'created_at:timestamp',
      'amount:number',
      'status:string',
      'customer_id:number',
    ]);
    expect(table.rowFilters.map((f) => f.name)).toEqual(['big orders', 'completed']);
    const stored = await handle.db.select().from(rowFilters).where(eq(rowFilters.factTableId, table.id));
    expect(stored).toHaveLength(2);
    const [entry] = await auditFor(table.id);
    expect(entry).toMatchObject({
      action: 'fact_table.create',
      actorId: a.users.editor.id,
      metadata: { after: { id: table.id, name: table.name } },
    });
    expect(await getFactTable({ ctx: a.ctx('viewer'), input: { id: table.id } })).toEqual(table);
    expect((await listFactTables({ ctx: a.ctx('viewer') })).map((t) => t.id)).toContain(table.id);
  });

  it('refuses a viewer and writes nothing', async () => {
    const before = (await factTablesOf(a.project.id)).length;
    const error = await failure(createFactTable({ ctx: a.ctx('viewer'), input: ordersInput(), resolve }));
    expect(error.code).toBe('forbidden');
    expect(await factTablesOf(a.project.id)).toHaveLength(before);
    const audits = await handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.projectId, a.project.id), eq(auditEntries.actorId, a.users.viewer.id)));
    expect(audits).toHaveLength(0);
  });

  it("answers 'not found' for another project's data source", async () => {
    const error = await failure(
      createFactTable({ ctx: a.ctx('editor'), input: ordersInput({ dataSourceId: sourceB }), resolve }),
    );
    expect(error.code).toBe('not_found');
  });

  it('refuses a second fact table with the same name as a conflict on the name', async () => {
    const first = await createFactTable({ ctx: a.ctx('editor'), input: ordersInput(), resolve });
    const error = await failure(
      createFactTable({ ctx: a.ctx('editor'), input: ordersInput({ name: first.name }), resolve }),
    );
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors?.name).toBeTruthy();
  });

  it('checks the timestamp, identifier columns and row filters against the introspected columns', async () => {
    const error = await failure(
      createFactTable({
        ctx: a.ctx('editor'),
        input: ordersInput({
          timestampColumn: 'amount',
          identifierColumns: ['customer_id', 'nope'],
          rowFilters: [
            { name: 'ok', expression: "status = 'completed'" },
            { name: 'escape', expression: '1=1) OR (1=1' },
            { name: 'unknown', expression: 'nope > 1' },
          ],
        }),
        resolve,
      }),
    );
    expect(error.code).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'identifierColumns.1',
      'rowFilters.1.expression',
      'rowFilters.2.expression',
      'timestampColumn',
    ]);
    expect(error.fieldErrors?.timestampColumn).toContain('created_at');
  });

  it('points at the row filter the warehouse rejects for its types', async () => {
    const error = await failure(
      createFactTable({
        ctx: a.ctx('editor'),
        input: ordersInput({
          rowFilters: [
            { name: 'ok', expression: "status = 'completed'" },
            { name: 'mistyped', expression: "amount = 'lots'" },
          ],
        }),
        resolve,
      }),
    );
    expect(error.code).toBe('warehouse');
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(['rowFilters.1.expression']);
  });

  it('rejects malformed input with field errors before touching the warehouse', async () => {
    const error = await failure(
      createFactTable({
        ctx: a.ctx('editor'),
        input: ordersInput({
          extra: 1,
          rowFilters: [
            { name: 'same', expression: 'true' },
            { name: 'same', expression: 'true' },
          ],
        }),
        resolve: () => {
          throw new Error('the warehouse must not be reached');
        },
      }),
    );
    expect(error.code).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(expect.arrayContaining(['rowFilters.1.name']));
  });
});

describe('updateFactTable and deleteFactTable with a metric reading the table', () => {
  let table: FactTableDto;
  let metricId: string;
  let metricName: string;

  beforeAll(async () => {
    table = await createFactTable({ ctx: a.ctx('editor'), input: ordersInput(), resolve });
    const metric = await createSumMetric(table);
    metricId = metric.id;
    metricName = metric.name;
  });

  const edit = (overrides: Record<string, unknown>) => ({
    id: table.id,
    name: table.name,
    description: table.description,
    dataSourceId: table.dataSourceId,
    sql: table.sql,
    timestampColumn: table.timestampColumn,
    identifierColumns: table.identifierColumns,
    rowFilters: table.rowFilters.map(({ id, name, expression }) => ({ id, name, expression })),
    ...overrides,
  });

  it('refuses to drop a column the metric uses, naming the metric', async () => {
    const error = await failure(
      updateFactTable({
        ctx: a.ctx('editor'),
        input: edit({
          sql: 'SELECT id, created_at, status, customer_id FROM orders',
          // Without `amount`, this unused filter would fail validation before the metrics are consulted.
          rowFilters: table.rowFilters.filter((f) => f.name === 'completed'),
        }),
        resolve,
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(metricName);
    expect(error.fieldErrors?.sql).toContain('"amount"');
    expect((await getFactTable({ ctx: a.ctx('viewer'), input: { id: table.id } })).sql).toBe(table.sql);
  });

  it('refuses to remove a row filter the metric uses', async () => {
    const error = await failure(
      updateFactTable({
        ctx: a.ctx('editor'),
        input: edit({ rowFilters: table.rowFilters.filter((f) => f.name !== 'completed') }),
        resolve,
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors?.rowFilters).toContain('completed');
  });

  it('saves a compatible change, keeps filter ids across a rename, and audits before and after', async () => {
    const completed = table.rowFilters.find((f) => f.name === 'completed');
    const updated = await updateFactTable({
      ctx: a.ctx('editor'),
      input: edit({
        sql: 'SELECT id, created_at, amount, status, customer_id, amount * 2 AS doubled FROM orders',
        rowFilters: [
          { id: completed?.id, name: 'done', expression: "status = 'completed'" },
          { name: 'refunded', expression: "status = 'refunded'" },
        ],
      }),
      resolve,
    });
    expect(updated.columns.map((c) => c.name)).toContain('doubled');
    expect(updated.rowFilters.map((f) => f.name)).toEqual(['done', 'refunded']);
    expect(updated.rowFilters.find((f) => f.name === 'done')?.id).toBe(completed?.id);
    const entries = await auditFor(table.id);
    const update = entries.find((e) => e.action === 'fact_table.update');
    expect(update?.metadata).toMatchObject({
      before: { sql: table.sql },
      after: { sql: updated.sql },
    });
    table = updated;
  });

  it('refuses to delete the table while the metric reads it, and deletes it afterwards', async () => {
    const error = await failure(deleteFactTable({ ctx: a.ctx('editor'), input: { id: table.id } }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(metricName);

    await handle.db.delete(metrics).where(eq(metrics.id, metricId));
    expect(await deleteFactTable({ ctx: a.ctx('editor'), input: { id: table.id } })).toEqual({
      id: table.id,
    });
    expect(
      await handle.db.select().from(rowFilters).where(eq(rowFilters.factTableId, table.id)),
    ).toHaveLength(0);
    expect((await auditFor(table.id)).map((e) => e.action)).toContain('fact_table.delete');
    expect((await failure(getFactTable({ ctx: a.ctx('viewer'), input: { id: table.id } }))).code).toBe(
      'not_found',
    );
  });

  it("answers 'not found' for another project's fact table", async () => {
    const other = await createFactTable({
      ctx: a.ctx('editor'),
      input: ordersInput(),
      resolve,
    });
    const error = await failure(deleteFactTable({ ctx: b.ctx('admin'), input: { id: other.id } }));
    expect(error.code).toBe('not_found');
    expect(await getFactTable({ ctx: a.ctx('viewer'), input: { id: other.id } })).toMatchObject({
      id: other.id,
    });
  });
});

describe('connectWarehouse', () => {
  it('says plainly that external warehouses cannot be queried yet', () => {
    expect(() => connectWarehouse({ kind: 'postgres' })).toThrow(/not available yet/);
    expect(() => connectWarehouse({ kind: 'clickhouse' })).toThrow(AppError);
  });
});
