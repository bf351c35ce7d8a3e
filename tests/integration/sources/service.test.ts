/**
 * The data-source verbs: secrets encrypted at rest and never echoed (C5), roles and tenancy, strict input
 * (C1), the outbound guard at save and at every connect (C2), and, against the run's Postgres server when
 * there is one, a real connection test with the role audit (S6).
 */
import { randomBytes } from 'node:crypto';
import { metricValues } from '@/db/schema';
import { collectProject } from '@/lib/collection/engine';
import { reloadEnv } from '@/lib/env';
import { createFactTable, previewFactTable } from '@/lib/fact-tables/service';
import { createMetric } from '@/lib/metrics/service';
import { findProjectBySlug } from '@/lib/projects/queries';
import postgres from 'postgres';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries, dataSources } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { insertFactTable } from '@/lib/fact-tables/queries';
import type { ResolveHost } from '@/lib/net/outbound-guard';
import {
  createDataSource,
  deleteDataSource,
  getDataSource,
  listDataSources,
  testDataSource,
  updateDataSource,
  type DataSourceDeps,
} from '@/lib/sources/service';
import { createTestProject, openTestDb, uniqueSuffix, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';

const SENTINEL = 'S3ntinel-P4ss-xyz';
const PUBLIC_IP = '93.184.216.34';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;

const publicResolver: ResolveHost = async () => [{ address: PUBLIC_IP, family: 4 }];
const deps: DataSourceDeps = { resolve: publicResolver, allowedHosts: '' };

function pgInput(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'postgres',
    name: `Warehouse ${uniqueSuffix()}`,
    host: 'db.example.com',
    port: 5432,
    database: 'analytics',
    user: 'reader',
    password: SENTINEL,
    sslmode: 'require',
    ...overrides,
  };
}

const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

async function storedRow(id: string) {
  const [row] = await handle.db.select().from(dataSources).where(eq(dataSources.id, id));
  if (!row) throw new Error(`no data source ${id}`);
  return row;
}

async function auditOf(id: string) {
  return handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, id));
}

async function countSources(projectId: string) {
  return (await handle.db.select().from(dataSources).where(eq(dataSources.projectId, projectId))).length;
}

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Project A');
  b = await createTestProject(handle.db, 'Project B');
});

afterAll(async () => {
  await handle?.close();
});

describe('secrets never leave the server (C5)', () => {
  const logged: string[] = [];
  beforeEach(() => {
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    vi.spyOn(console, 'log').mockImplementation(capture);
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(console, 'warn').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  it('stores ciphertext, returns a mask and audits without the password', async () => {
    const dto = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    expect(dto).toMatchObject({ kind: 'postgres', passwordSet: true, caPemSet: false });
    expect(JSON.stringify(dto)).not.toContain(SENTINEL);

    const row = await storedRow(dto.id);
    expect(row.secrets.password).toMatch(/^v1:[A-Za-z0-9_-]+:/);
    expect(JSON.stringify(row.secrets)).not.toContain(SENTINEL);
    expect(JSON.stringify(row.config)).not.toContain(SENTINEL);

    const audit = await auditOf(dto.id);
    expect(audit.map((e) => e.action)).toEqual(['data_source.create']);
    expect(JSON.stringify(audit)).not.toContain(SENTINEL);

    const listed = await listDataSources({ ctx: a.ctx('viewer') });
    expect(listed.map((s) => s.id)).toContain(dto.id);
    expect(JSON.stringify(listed)).not.toContain(SENTINEL);
    expect(
      JSON.stringify(await getDataSource({ ctx: a.ctx('viewer'), input: { id: dto.id } })),
    ).not.toContain(SENTINEL);
  });

  it('a failed connection test reports a usable error without the password', async () => {
    const dto = await createDataSource({
      ctx: a.ctx('admin'),
      input: pgInput({ host: '127.0.0.1', port: 1, sslmode: 'disable' }),
      deps: { allowedHosts: '127.0.0.1' },
    });
    const result = await testDataSource({
      ctx: a.ctx('admin'),
      input: { id: dto.id },
      deps: { allowedHosts: '127.0.0.1' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/refused the connection/);
    expect(result.error).not.toMatch(/\n\s+at /);
    const row = await storedRow(dto.id);
    expect(row.lastTestedAt).toBeInstanceOf(Date);
    expect(row.lastTestError).toBe(result.error);
    expect(JSON.stringify([result, row.lastTestError, await auditOf(dto.id)])).not.toContain(SENTINEL);
  });

  it('logged nothing containing the sentinel', () => {
    // The failed test above logs a warning: the capture works, and what it caught is clean.
    expect(logged.some((line) => line.includes('data source test failed'))).toBe(true);
    expect(logged.some((line) => line.includes(SENTINEL))).toBe(false);
  });
});

describe('roles and tenancy', () => {
  it('refuses viewers and editors, writing nothing', async () => {
    const before = await countSources(a.project.id);
    for (const role of ['viewer', 'editor'] as const) {
      const error = await failure(createDataSource({ ctx: a.ctx(role), input: pgInput(), deps }));
      expect(error.code).toBe('forbidden');
    }
    expect(await countSources(a.project.id)).toBe(before);
  });

  it("answers not_found for another project's data source on every verb", async () => {
    const dto = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    const input = { id: dto.id };
    // Thunks, so each call starts only when awaited.
    const calls = [
      () => getDataSource({ ctx: b.ctx('admin'), input }),
      () =>
        updateDataSource({ ctx: b.ctx('admin'), input: { id: dto.id, ...pgInput({ password: '' }) }, deps }),
      () => deleteDataSource({ ctx: b.ctx('admin'), input }),
      () => testDataSource({ ctx: b.ctx('admin'), input, deps }),
    ];
    for (const call of calls) expect((await failure(call())).code).toBe('not_found');
    expect((await storedRow(dto.id)).name).toBe(dto.name);
  });

  it('refuses a second data source with the same name', async () => {
    const input = pgInput();
    await createDataSource({ ctx: a.ctx('admin'), input, deps });
    const error = await failure(createDataSource({ ctx: a.ctx('admin'), input, deps }));
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors).toHaveProperty('name');
  });
});

describe('input (C1) and the outbound guard (C2)', () => {
  it.each([
    ['an options key', { options: '-c statement_timeout=0' }],
    ['sslrootcert', { sslrootcert: '/etc/passwd' }],
    ['a socket path as host', { host: '/var/run/postgresql' }],
    ['options inside the host', { host: 'db.example.com options=-c' }],
    ['a connection string as host', { host: 'postgres://u:p@db.example.com/x' }],
  ])('refuses %s', async (_label, overrides) => {
    const error = await failure(createDataSource({ ctx: a.ctx('admin'), input: pgInput(overrides), deps }));
    expect(error.code).toBe('validation');
  });

  it('needs a password on create', async () => {
    const error = await failure(
      createDataSource({ ctx: a.ctx('admin'), input: pgInput({ password: '' }), deps }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors).toHaveProperty('password');
  });

  it('refuses a private address unless allowlisted', async () => {
    const error = await failure(
      createDataSource({ ctx: a.ctx('admin'), input: pgInput({ host: '10.0.0.5' }), deps }),
    );
    expect(error.code).toBe('validation');
    expect(error.fieldErrors?.host).toMatch(/private address.*ALLOWED_OUTBOUND_HOSTS/);

    const dto = await createDataSource({
      ctx: a.ctx('admin'),
      input: pgInput({ host: '10.0.0.5' }),
      deps: { allowedHosts: '10.0.0.0/8' },
    });
    expect(dto.config).toMatchObject({ host: '10.0.0.5' });
  });

  it('re-checks at connect time: public at save, loopback at test is refused (rebinding)', async () => {
    let calls = 0;
    const rebinding: ResolveHost = async () => [
      { address: calls++ === 0 ? PUBLIC_IP : '127.0.0.1', family: 4 },
    ];
    const connectPostgres = vi.fn();
    const dto = await createDataSource({
      ctx: a.ctx('admin'),
      input: pgInput({ host: 'rebind.example.com' }),
      deps: { resolve: rebinding, allowedHosts: '' },
    });
    const result = await testDataSource({
      ctx: a.ctx('admin'),
      input: { id: dto.id },
      deps: { resolve: rebinding, allowedHosts: '', connectPostgres },
    });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/127\.0\.0\.1.*loopback/) });
    expect(connectPostgres).not.toHaveBeenCalled();
    expect((await storedRow(dto.id)).lastTestError).toMatch(/loopback/);
  });

  it('connects to the checked address, keeping the entered name for TLS (verify-full)', async () => {
    const dto = await createDataSource({
      ctx: a.ctx('admin'),
      input: pgInput({ sslmode: 'verify-full' }),
      deps,
    });
    const connectPostgres = vi.fn<NonNullable<DataSourceDeps['connectPostgres']>>(() => ({
      dialect: 'postgres',
      runSelect: () => Promise.reject(new Error('not used')),
      test: () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
      close: () => Promise.resolve(),
    }));
    const result = await testDataSource({
      ctx: a.ctx('admin'),
      input: { id: dto.id },
      deps: { ...deps, connectPostgres },
    });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/refused the connection/) });
    const connection = connectPostgres.mock.calls[0]?.[0];
    expect(connection).toMatchObject({ host: PUBLIC_IP, port: 5432, user: 'reader', password: SENTINEL });
    expect(connection?.ssl).toMatchObject({ servername: 'db.example.com', rejectUnauthorized: true });
  });

  it('re-checks a changed host on update', async () => {
    const dto = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    const error = await failure(
      updateDataSource({
        ctx: a.ctx('admin'),
        input: { id: dto.id, ...pgInput({ name: dto.name, host: '192.168.1.10' }) },
        deps,
      }),
    );
    expect(error.fieldErrors).toHaveProperty('host');
  });
});

describe('update, delete and test', () => {
  it('keeps the stored password when the field is left empty, and replaces it when given', async () => {
    const dto = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    const original = (await storedRow(dto.id)).secrets.password;

    const renamed = await updateDataSource({
      ctx: a.ctx('admin'),
      input: { id: dto.id, ...pgInput({ name: `${dto.name} v2`, password: '' }) },
      deps,
    });
    expect(renamed).toMatchObject({ name: `${dto.name} v2`, passwordSet: true });
    expect((await storedRow(dto.id)).secrets.password).toBe(original);

    await updateDataSource({
      ctx: a.ctx('admin'),
      input: { id: dto.id, ...pgInput({ name: renamed.name, password: 'another-one' }) },
      deps,
    });
    const replaced = (await storedRow(dto.id)).secrets.password;
    expect(replaced).toMatch(/^v1:/);
    expect(replaced).not.toBe(original);

    const audit = (await auditOf(dto.id)).filter((e) => e.action === 'data_source.update');
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toMatch(/another-one|S3ntinel|v1:/);
  });

  it('refuses to delete a data source a fact table reads, then deletes it once free', async () => {
    const dto = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    const table = await insertFactTable(handle.db, {
      projectId: a.project.id,
      dataSourceId: dto.id,
      name: `Orders ${uniqueSuffix()}`,
      sql: 'select 1',
      timestampColumn: 'created_at',
      columns: [],
    });
    const error = await failure(deleteDataSource({ ctx: a.ctx('admin'), input: { id: dto.id } }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(table.name);
    expect((await failure(deleteDataSource({ ctx: a.ctx('editor'), input: { id: dto.id } }))).code).toBe(
      'forbidden',
    );

    const other = await createDataSource({ ctx: a.ctx('admin'), input: pgInput(), deps });
    expect(await deleteDataSource({ ctx: a.ctx('admin'), input: { id: other.id } })).toEqual({
      id: other.id,
    });
    expect((await failure(getDataSource({ ctx: a.ctx('viewer'), input: { id: other.id } }))).code).toBe(
      'not_found',
    );
    expect((await auditOf(other.id)).map((e) => e.action).sort()).toEqual([
      'data_source.create',
      'data_source.delete',
    ]);
  });

  it('tests a ClickHouse source at the checked address, with the certificate checked against its host', async () => {
    const created = await createDataSource({
      ctx: a.ctx('admin'),
      input: {
        kind: 'clickhouse',
        name: `CH ${uniqueSuffix()}`,
        host: 'ch.example.com',
        port: 8443,
        protocol: 'https',
        database: 'default',
        user: 'r',
        password: SENTINEL,
      },
      deps,
    });
    const seen: unknown[] = [];
    const result = await testDataSource({
      ctx: a.ctx('admin'),
      input: { id: created.id },
      deps: {
        ...deps,
        connectClickHouse: (connection) => {
          seen.push(connection);
          return {
            dialect: 'clickhouse',
            runSelect: async () => ({ columns: [], rows: [], elapsedMs: 0 }),
            test: async () => ({ version: 'ClickHouse 18.16.1', latencyMs: 3 }),
            close: async () => {},
          };
        },
      },
    });
    expect(result).toEqual({ ok: true, version: 'ClickHouse 18.16.1', latencyMs: 3, roleFindings: [] });
    expect(seen).toEqual([
      {
        protocol: 'https',
        host: PUBLIC_IP,
        port: 8443,
        servername: 'ch.example.com',
        database: 'default',
        user: 'r',
        password: SENTINEL,
      },
    ]);
  });
});

const serverUrl = inject('testDatabaseUrl');

// Registered only with a server, so the embedded-only pass reports no skipped tests.
if (serverUrl)
  describe('against the Postgres server', () => {
    const url = new URL(serverUrl || 'postgres://localhost/x');
    const local = { allowedHosts: '127.0.0.1' };
    const reader = `sl_reader_${uniqueSuffix()}`;
    let admin: postgres.Sql;

    beforeAll(async () => {
      admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      const database = url.pathname.slice(1);
      await admin.unsafe(`create role ${reader} login password 'reader-pass'`);
      await admin.unsafe(`grant connect on database ${database} to ${reader}`);
      await admin.unsafe(`grant usage on schema public to ${reader}`);
      await admin.unsafe(`grant select on all tables in schema public to ${reader}`);
    });

    afterAll(async () => {
      await admin?.unsafe(`drop owned by ${reader}`).catch(() => {});
      await admin?.unsafe(`drop role if exists ${reader}`);
      await admin?.end();
    });

    const serverInput = (user: string) =>
      pgInput({
        host: '127.0.0.1',
        port: Number(url.port || 5432),
        database: url.pathname.slice(1),
        user,
        sslmode: 'disable',
      });

    it('connects, reports the version and flags the superuser (S6)', async () => {
      const dto = await createDataSource({
        ctx: a.ctx('admin'),
        input: serverInput(decodeURIComponent(url.username) || 'postgres'),
        deps: local,
      });
      const result = await testDataSource({ ctx: a.ctx('admin'), input: { id: dto.id }, deps: local });
      expect(result).toMatchObject({ ok: true, version: expect.stringMatching(/^PostgreSQL \d+/) });
      if (!result.ok) return;
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.roleFindings.some((f) => /superuser/.test(f))).toBe(true);
      const row = await storedRow(dto.id);
      expect(row.lastTestedAt).toBeInstanceOf(Date);
      expect(row.lastTestError).toBeNull();
    });

    it('finds nothing to flag for a read-only role, and flags each privilege granted to it', async () => {
      const dto = await createDataSource({ ctx: a.ctx('admin'), input: serverInput(reader), deps: local });
      const clean = await testDataSource({ ctx: a.ctx('admin'), input: { id: dto.id }, deps: local });
      expect(clean).toMatchObject({ ok: true, roleFindings: [] });

      await admin.unsafe(`grant pg_read_server_files, pg_signal_backend to ${reader}`);
      await admin.unsafe(`grant create on schema public to ${reader}`);
      await admin.unsafe(`alter role ${reader} createdb`);
      try {
        const flagged = await testDataSource({ ctx: a.ctx('admin'), input: { id: dto.id }, deps: local });
        if (!flagged.ok) throw new Error(flagged.error);
        const text = flagged.roleFindings.join('\n');
        expect(text).toMatch(/member of pg_read_server_files/);
        expect(text).toMatch(/member of pg_signal_backend/);
        expect(text).toMatch(/CREATE in schema public/);
        expect(text).toMatch(/CREATEDB/);
        expect(text).not.toMatch(/superuser/);
      } finally {
        await admin.unsafe(`revoke pg_read_server_files, pg_signal_backend from ${reader}`);
        await admin.unsafe(`revoke create on schema public from ${reader}`);
        await admin.unsafe(`alter role ${reader} nocreatedb`);
      }
    });
  });

/**
 * A real Postgres data source, with no test doubles between the services and the server: an admin saves the
 * connection, an editor previews and saves a fact table and a metric on it, and collection fills its series.
 */
const END_TO_END_NOW = new Date('2026-03-02T00:30:00Z');

if (serverUrl) {
  describe('a Postgres data source, end to end', () => {
    const name = `sightline_wh_${randomBytes(4).toString('hex')}`;
    const saved = process.env.ALLOWED_OUTBOUND_HOSTS;
    let admin: postgres.Sql;
    let handle: DbHandle;
    let fixture: TestProjectFixture;
    let dataSourceId: string;

    beforeAll(async () => {
      admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const warehouse = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await warehouse.unsafe(`
        create table signups (id int primary key, created_at timestamptz not null, plan text not null);
        insert into signups
        select i, timestamptz '2026-03-01 00:00:00+00' + i * interval '5 minutes',
               case when i % 3 = 0 then 'pro' else 'free' end
        from generate_series(0, 287) as i;`);
      await warehouse.end();
      // The server is on loopback, which the outbound guard refuses unless it is allowed.
      process.env.ALLOWED_OUTBOUND_HOSTS = '127.0.0.1';
      reloadEnv();
      handle = await openTestDb();
      fixture = await createTestProject(handle.db, 'Postgres source');
    }, 60_000);

    afterAll(async () => {
      process.env.ALLOWED_OUTBOUND_HOSTS = saved;
      reloadEnv();
      await handle?.close();
      await admin?.unsafe(`drop database if exists ${name} with (force)`);
      await admin?.end();
    });

    it('connects, previews, saves a fact table and a metric, and collects', async () => {
      const source = await createDataSource({
        ctx: fixture.ctx('admin'),
        input: {
          kind: 'postgres',
          name: 'Server warehouse',
          host: '127.0.0.1',
          port: Number(new URL(serverUrl).port || 5432),
          database: name,
          user: 'postgres',
          // The test server trusts local connections; the password is required by the form, not checked.
          password: 'not-checked-by-trust-auth',
          sslmode: 'disable',
        },
      });
      dataSourceId = source.id;
      const tested = await testDataSource({ ctx: fixture.ctx('admin'), input: { id: dataSourceId } });
      expect(tested).toMatchObject({ ok: true });

      const editor = fixture.ctx('editor');
      const preview = await previewFactTable({
        ctx: editor,
        input: { dataSourceId, sql: 'select id, created_at, plan from signups' },
      });
      expect(preview.timestampColumns).toEqual(['created_at']);
      expect(preview.capped).toBe(true);

      const factTable = await createFactTable({
        ctx: editor,
        input: {
          name: 'Signups',
          dataSourceId,
          sql: 'select id, created_at, plan from signups',
          timestampColumn: 'created_at',
          identifierColumns: ['id'],
          rowFilters: [{ name: 'pro', expression: "plan = 'pro'" }],
        },
      });
      const metric = await createMetric({
        ctx: editor,
        input: {
          name: 'Pro signups',
          interval: 'hour',
          lifecycle: 'active',
          definition: {
            kind: 'fact',
            shape: 'single',
            operand: {
              factTableId: factTable.id,
              aggregation: 'count',
              column: null,
              rowFilterIds: [factTable.rowFilters[0]!.id],
            },
          },
        },
      });

      const project = await findProjectBySlug(handle.db, fixture.project.slug);
      const report = await collectProject(
        { db: handle.db, now: () => END_TO_END_NOW },
        { project: project!, trigger: 'manual', request: { metricIds: [metric.id] } },
      );
      expect(report?.run).toMatchObject({ status: 'completed', metricsFailed: 0 });
      const values = await handle.db.select().from(metricValues).where(eq(metricValues.metricId, metric.id));
      // 288 signups every 5 minutes on 2026-03-01, one in three "pro": 4 per hour for 24 hours.
      expect(values).toHaveLength(24);
      expect(values.every((v) => v.value === 4)).toBe(true);
    });
  });
}
