/**
 * The user-SQL runner against real databases: the embedded warehouse (PGlite in a worker) always, and a
 * Postgres server when the run has one. Hostile statements fail, and leave no trace for the next query.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresSession } from '@/lib/warehouse/clients/postgres';
import { WarehouseError } from '@/lib/warehouse/errors';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { expectFailure } from '../../helpers/expect';
import { warehouseTargets } from '../../helpers/warehouse';

const CANARY_SQL = `
  create table canary (id int primary key, note text);
  insert into canary select g, 'row ' || g from generate_series(1, 5) g;
  create sequence canary_seq;`;

const MAX_ROWS = 50;
const limits = { timeoutMs: 2_000, maxRows: MAX_ROWS };

const failure = (promise: Promise<unknown>) => expectFailure(promise, WarehouseError);

const targets = warehouseTargets({
  setupSql: CANARY_SQL,
  teardownSql: 'drop table if exists canary; drop sequence if exists canary_seq',
});
const serverUrl = inject('testDatabaseUrl');

describe.each(targets)('the guarded runner on the $name', ({ open }) => {
  let client: WarehouseClient;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ client, cleanup } = await open()), 120_000);
  afterAll(async () => cleanup?.());

  const canary = async () =>
    (
      await client.runSelect(
        "select count(*)::int as n, string_agg(note, ',' order by id) as notes from canary",
        [],
        limits,
      )
    ).rows[0];

  it('runs a read-only SELECT with bound parameters and reports columns by type bucket', async () => {
    const result = await client.runSelect(
      'select id, note, now() as at, id > $1 as big from canary',
      [3],
      limits,
    );
    expect(result.rows).toHaveLength(5);
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'number'],
      ['note', 'string'],
      ['at', 'timestamp'],
      ['big', 'boolean'],
    ]);
  });

  it('refuses two statements in one query', async () => {
    await failure(client.runSelect('select 1; select 2', [], limits));
    await failure(client.runSelect('select 1 --\n; commit', [], limits));
  });

  it.each([
    ['a data-modifying CTE', 'with d as (delete from canary returning *) select * from d'],
    ['SELECT INTO', 'select * into stolen from canary'],
    ['SELECT … FOR UPDATE', 'select * from canary for update'],
    ['nextval', "select nextval('canary_seq')"],
  ])('refuses %s and leaves the data as it was', async (_what, sql) => {
    const before = await canary();
    const error = await failure(client.runSelect(sql, [], limits));
    expect(['read_only', 'syntax', 'query']).toContain(error.kind);
    expect(await canary()).toEqual(before);
  });

  it('leaves no large object behind, even where lo_from_bytea runs inside READ ONLY', async () => {
    // Postgres 15 lets lo_* write inside a read-only transaction; only the rollback undoes it. (The SQL guard
    // refuses the lo_* family before a query gets here; this proves the runner alone leaves no residue.)
    const objects = 'select count(*)::int as n from pg_largeobject_metadata';
    const before = (await client.runSelect(objects, [], limits)).rows[0];
    await client.runSelect("select lo_from_bytea(0, 'x'::bytea)", [], limits).catch(() => undefined);
    expect((await client.runSelect(objects, [], limits)).rows[0]).toEqual(before);
  });

  it('reports a read-only violation with its SQLSTATE', async () => {
    const error = await failure(client.runSelect("select nextval('canary_seq')", [], limits));
    expect(error.sqlstate).toBe('25006');
    expect(error.message).toContain('read-only');
  });

  it('stops a query at the time limit (57014) and keeps serving', async () => {
    const started = Date.now();
    const error = await failure(
      client.runSelect('select count(*) from generate_series(1, 2000000000)', [], {
        ...limits,
        timeoutMs: 1_000,
      }),
    );
    expect(error.kind).toBe('timeout');
    expect(error.sqlstate).toBe('57014');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await client.runSelect('select 1 as ok', [], limits)).rows).toEqual([{ ok: 1 }]);
  });

  it('treats more rows than the cap as an error, not a partial result', async () => {
    const error = await failure(
      client.runSelect(`select g from generate_series(1, ${MAX_ROWS + 10}) g`, [], limits),
    );
    expect(error.kind).toBe('too_large');
    expect(
      (await client.runSelect(`select g from generate_series(1, ${MAX_ROWS}) g`, [], limits)).rows,
    ).toHaveLength(MAX_ROWS);
  });

  it('leaves no advisory lock and no changed setting for the next query', async () => {
    const stateQuery = `select (select count(*)::int from pg_locks where locktype = 'advisory') as locks,
      current_setting('default_transaction_read_only') as default_read_only, current_setting('work_mem') as work_mem`;
    const [baseline] = (await client.runSelect(stateQuery, [], limits)).rows;
    expect(baseline?.locks).toBe(0);
    const flipped = baseline?.default_read_only === 'on' ? 'off' : 'on';
    await client.runSelect('select pg_advisory_lock(1)', [], limits);
    await client.runSelect(
      `select set_config('default_transaction_read_only', '${flipped}', false)`,
      [],
      limits,
    );
    await client.runSelect("select set_config('work_mem', '1234kB', false)", [], limits);
    expect((await client.runSelect(stateQuery, [], limits)).rows[0]).toEqual(baseline);
  });
});

// Registered only with a server, so the embedded-only pass reports no skipped tests.
if (serverUrl)
  describe('the extended protocol on a real server', () => {
    it('makes Postgres itself refuse a second statement', async () => {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      const conn = await sql.reserve();
      try {
        const error = await postgresSession(conn)
          .query('select 1; select 2', [])
          .catch((e: unknown) => e as Error);
        expect((error as Error).message).toBe('cannot insert multiple commands into a prepared statement');
      } finally {
        conn.release();
        await sql.end();
      }
    });
  });
