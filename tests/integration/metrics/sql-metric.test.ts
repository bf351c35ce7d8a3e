/**
 * `sql` metrics are proven before they are saved: the guard with `{{start}}` / `{{end}}`, then a LIMIT 0 run
 * in the warehouse with the window bound as parameters, which must return bucket and value (and optionally
 * dimension). Runs on the embedded warehouse, and on the Postgres server when the run has one.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { metricDependencies, metrics } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { createMetric, updateMetric } from '@/lib/metrics/service';
import { insertDataSource } from '@/lib/sources/queries';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { warehouseTargets } from '../../helpers/warehouse';

const targets = warehouseTargets({
  setupSql: `
    create table metric_probe_events (id int primary key, happened_at timestamptz not null, kind text not null,
      amount numeric(10, 2) not null);
    insert into metric_probe_events
      select g, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour', case when g % 2 = 0 then 'a' else 'b' end, g
      from generate_series(1, 48) g;`,
  teardownSql: 'drop table if exists metric_probe_events',
});

const WINDOW = 'WHERE happened_at >= {{start}} AND happened_at < {{end}}';
const DAILY = `SELECT date_trunc('day', happened_at) AS bucket, count(*) AS value FROM metric_probe_events ${WINDOW} GROUP BY 1`;

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
let sourceA: string;
let sourceB: string;

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'SQL metrics A');
  b = await createTestProject(handle.db, 'SQL metrics B');
  const source = async (projectId: string) =>
    (
      await insertDataSource(handle.db, {
        projectId,
        name: `Warehouse ${uniqueSuffix()}`,
        kind: 'embedded',
        config: {},
      })
    ).id;
  sourceA = await source(a.project.id);
  sourceB = await source(b.project.id);
});

afterAll(async () => handle?.close());

const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

const sqlInput = (sql: string, overrides: Record<string, unknown> = {}) => ({
  name: `SQL metric ${uniqueSuffix()}`,
  interval: 'day',
  definition: { kind: 'sql', dataSourceId: sourceA, sql, valueKind: 'count', ...overrides },
});

describe.each(targets)('sql metrics on the $name', ({ open }) => {
  let client: WarehouseClient;
  let cleanup: () => Promise<void>;
  const resolve = () => client;
  beforeAll(async () => ({ client, cleanup } = await open()), 120_000);
  afterAll(async () => cleanup?.());

  it('saves a query returning bucket, value and dimension, with no fact-table dependency', async () => {
    const sql = `SELECT date_trunc('day', happened_at) AS bucket, kind AS dimension, sum(amount) AS value
      FROM metric_probe_events ${WINDOW} GROUP BY 1, 2`;
    const metric = await createMetric({ ctx: a.ctx('editor'), input: sqlInput(sql), resolve });
    expect(metric).toMatchObject({
      kind: 'sql',
      valueKind: 'count',
      version: 1,
      definition: { kind: 'sql', dataSourceId: sourceA, sql },
    });
    const deps = await handle.db
      .select()
      .from(metricDependencies)
      .where(eq(metricDependencies.metricId, metric.id));
    expect(deps).toEqual([]);
  });

  it.each([
    ['a statement that is not a SELECT', 'DELETE FROM metric_probe_events', /not allowed/],
    [
      'a query without the window placeholders',
      `SELECT date_trunc('day', happened_at) AS bucket, count(*) AS value FROM metric_probe_events GROUP BY 1`,
      /\{\{start\}\} and \{\{end\}\}/,
    ],
    [
      'a query bounded only from below',
      `SELECT date_trunc('day', happened_at) AS bucket, count(*) AS value FROM metric_probe_events
        WHERE happened_at >= {{start}} GROUP BY 1`,
      /with \{\{end\}\}/,
    ],
    ['an unknown placeholder', DAILY.replace('{{end}}', '{{finish}}'), /Unknown placeholder \{\{finish\}\}/],
    ['a quoted placeholder', DAILY.replace('{{start}}', "'{{start}}'"), /inside a string literal/],
    ['a query without a value column', DAILY.replace('AS value', 'AS n'), /no "value" column.*"n"/],
    [
      'a bucket that is not a timestamp and a value that is not a number',
      `SELECT kind AS bucket, kind AS value FROM metric_probe_events ${WINDOW}`,
      /"bucket" is text.*"value" is text/,
    ],
  ])('refuses %s on the SQL field', async (_, sql, message) => {
    const error = await failure(createMetric({ ctx: a.ctx('editor'), input: sqlInput(sql), resolve }));
    expect(error.code).toBe('validation');
    expect(error.fieldErrors).toEqual({ 'definition.sql': expect.stringMatching(message) });
  });

  it("reports the warehouse's own error when the query fails there", async () => {
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: sqlInput(DAILY.replace('metric_probe_events', 'no_such_table')),
        resolve,
      }),
    );
    expect(error.code).toBe('warehouse');
    expect(error.fieldErrors).toEqual({ 'definition.sql': expect.stringContaining('no_such_table') });
  });

  it('reports the SQL problem together with every other field problem', async () => {
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: { ...sqlInput(DAILY.replace('AS value', 'AS total')), ownerId: b.users.admin.id },
        resolve,
      }),
    );
    expect(error.code).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['definition.sql', 'ownerId']);
  });

  it('checks the query again when an edit changes it', async () => {
    const metric = await createMetric({ ctx: a.ctx('editor'), input: sqlInput(DAILY), resolve });
    const edit = (sql: string) => ({
      ...sqlInput(sql),
      name: metric.name,
      metricId: metric.id,
      expectedVersion: metric.version,
    });
    const error = await failure(
      updateMetric({ ctx: a.ctx('editor'), input: edit(DAILY.replace('count(*)', 'max(kind)')), resolve }),
    );
    expect(error.fieldErrors).toEqual({ 'definition.sql': expect.stringMatching(/"value" is text/) });

    const result = await updateMetric({
      ctx: a.ctx('editor'),
      input: edit(DAILY.replace('count(*)', 'count(DISTINCT kind)')),
      resolve,
    });
    expect(result).toMatchObject({ changed: true, definitionChanged: true, metric: { version: 2 } });
  });
});

describe('sql metric tenancy', () => {
  it("answers 'not found' on the field for another project's data source, without connecting", async () => {
    const resolve = () => {
      throw new Error('must not connect');
    };
    const before = await handle.db.select().from(metrics).where(eq(metrics.projectId, a.project.id));
    const error = await failure(
      createMetric({
        ctx: a.ctx('editor'),
        input: sqlInput(DAILY, { dataSourceId: sourceB }),
        resolve,
      }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors).toEqual({
      'definition.dataSourceId': 'Data source not found in this project.',
    });
    expect(await handle.db.select().from(metrics).where(eq(metrics.projectId, a.project.id))).toHaveLength(
      before.length,
    );
  });

  it('refuses a viewer before connecting', async () => {
    const resolve = () => {
      throw new Error('must not connect');
    };
    const error = await failure(createMetric({ ctx: a.ctx('viewer'), input: sqlInput(DAILY), resolve }));
    expect(error.code).toBe('forbidden');
  });
});
