/**
 * A real Postgres data source, with no test doubles between the services and the server: an admin saves the
 * connection, an editor previews and saves a fact table and a metric on it, and collection fills its series.
 * Runs when the suite has a Postgres server.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { DbHandle } from '@/db/client';
import { metricValues } from '@/db/schema';
import { collectProject } from '@/lib/collection/engine';
import { reloadEnv } from '@/lib/env';
import { createFactTable, previewFactTable } from '@/lib/fact-tables/service';
import { createMetric } from '@/lib/metrics/service';
import { findProjectBySlug } from '@/lib/projects/queries';
import { createDataSource, testDataSource } from '@/lib/sources/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';

const serverUrl = inject('testDatabaseUrl');
const NOW = new Date('2026-03-02T00:30:00Z');

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
        { db: handle.db, now: () => NOW },
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
