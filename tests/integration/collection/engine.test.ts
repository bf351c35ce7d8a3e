/**
 * The collection engine against real warehouses (the embedded one, and the Postgres server when configured):
 * every stored value equals a plain per-metric query; ticks are idempotent; late rows are absorbed; failures
 * stay isolated and leave earlier values in place.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { breakdownValues, collectionRuns, metrics, metricValues } from '@/db/schema';
import { collectProject, collectTick, type EngineDeps } from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';
import { insertFactTable, insertRowFilter } from '@/lib/fact-tables/queries';
import { insertMetric } from '@/lib/metrics/queries';
import { metricInputSchema, type MetricDefinition } from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { findProjectBySlug } from '@/lib/projects/queries';
import { insertDataSource } from '@/lib/sources/queries';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { warehouseTargets, type OpenedTarget } from '../../helpers/warehouse';

const SETUP = `
create table events (
  id int primary key,
  ts timestamptz not null,
  user_id int not null,
  amount numeric(10,2) not null,
  duration int,
  status text not null,
  country text
);
insert into events
select i,
       timestamptz '2026-01-01 00:00:00+00' + ((i * 137) % 7200) * interval '1 minute',
       i % 97,
       ((i * 7) % 500) / 10.0,
       case when i % 11 = 0 then null else (i * 13) % 1000 end,
       case i % 5 when 0 then 'refunded' when 1 then 'failed' else 'completed' end,
       case when i % 31 = 0 then null else (array['US','DE','FR','GB','JP','BR','IN','CA','MX','ES'])[i % 10 + 1] end
from generate_series(1, 2000) as i;
create table visits (id int primary key, ts timestamptz not null);
insert into visits
select i, timestamptz '2026-01-01 00:00:00+00' + ((i * 53) % 7200) * interval '1 minute'
from generate_series(1, 900) as i
where (i * 53) % 7200 / 60 % 24 <> 3;
`;
const TEARDOWN = 'drop table if exists events; drop table if exists visits';

/** Five days of data: [2026-01-01, 2026-01-06). The clock sits half an hour into the next day. */
const NOW = new Date('2026-01-06T00:30:00Z');
const POLICY: CollectionPolicy = {
  lookback: { hour: 3, day: 2, week: 1 },
  history: { hour: 24 * 6, day: 10, week: 4 },
  chunk: { hour: 48, day: 30, week: 52 },
};

const EVENT_COLUMNS = [
  { name: 'id', type: 'number', nativeType: 'int4' },
  { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
  { name: 'user_id', type: 'number', nativeType: 'int4' },
  { name: 'amount', type: 'number', nativeType: 'numeric' },
  { name: 'duration', type: 'number', nativeType: 'int4' },
  { name: 'status', type: 'string', nativeType: 'text' },
  { name: 'country', type: 'string', nativeType: 'text' },
] as const;

type Defined = { id: string; name: string; reference: string | null; definition: MetricDefinition };

for (const target of warehouseTargets({ setupSql: SETUP, teardownSql: TEARDOWN })) {
  describe(`collection engine on the ${target.name}`, () => {
    let handle: DbHandle;
    let warehouse: OpenedTarget;
    let fixture: TestProjectFixture;
    let defined: Defined[];
    let brokenFactTableMetric: string;
    let now = NOW;

    const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
      db: handle.db,
      now: () => now,
      policy: POLICY,
      retry: { attempts: 1, baseDelayMs: 1 },
      openClient: async () => ({ client: warehouse.client, release: async () => {} }),
      ...extra,
    });

    const project = async () => {
      const row = await findProjectBySlug(handle.db, fixture.project.slug);
      if (!row) throw new Error('project missing');
      return row;
    };

    const series = async (metricId: string) => {
      const rows = await handle.db
        .select({ bucket: metricValues.bucketStart, value: metricValues.value })
        .from(metricValues)
        .where(eq(metricValues.metricId, metricId))
        .orderBy(asc(metricValues.bucketStart));
      return new Map(rows.map((r) => [r.bucket.toISOString(), r.value]));
    };

    const snapshot = async () => {
      const ids = defined.map((m) => m.id);
      const values = await handle.db
        .select({ m: metricValues.metricId, b: metricValues.bucketStart, v: metricValues.value })
        .from(metricValues)
        .orderBy(asc(metricValues.metricId), asc(metricValues.bucketStart));
      const parts = await handle.db
        .select({
          m: breakdownValues.metricId,
          b: breakdownValues.bucketStart,
          d: breakdownValues.dimension,
          dv: breakdownValues.dimensionValue,
          v: breakdownValues.value,
        })
        .from(breakdownValues)
        .orderBy(
          asc(breakdownValues.metricId),
          asc(breakdownValues.bucketStart),
          asc(breakdownValues.dimension),
          asc(breakdownValues.dimensionValue),
        );
      return {
        values: values.filter((r) => ids.includes(r.m)).map((r) => [r.m, r.b.toISOString(), r.v]),
        parts: parts.filter((r) => ids.includes(r.m)).map((r) => [r.m, r.b.toISOString(), r.d, r.dv, r.v]),
      };
    };

    const reference = async (client: WarehouseClient, sql: string) => {
      const { rows } = await client.runSelect(sql, [], { timeoutMs: 10_000, maxRows: 10_000 });
      return new Map(
        rows.map((r) => [(r.bucket as Date).toISOString(), r.value === null ? null : Number(r.value)]),
      );
    };

    beforeAll(async () => {
      handle = await openTestDb();
      warehouse = await target.open();
      fixture = await createTestProject(handle.db, 'Collection');
      const db = handle.db;
      const projectId = fixture.project.id;
      const source = await insertDataSource(db, {
        projectId,
        name: 'Warehouse',
        kind: 'embedded',
        config: {},
      });
      const events = await insertFactTable(db, {
        projectId,
        dataSourceId: source.id,
        name: 'events',
        sql: 'SELECT id, ts, user_id, amount, duration, status, country FROM events',
        timestampColumn: 'ts',
        columns: [...EVENT_COLUMNS],
      });
      const visits = await insertFactTable(db, {
        projectId,
        dataSourceId: source.id,
        name: 'visits',
        sql: 'select id, ts from visits',
        timestampColumn: 'ts',
        columns: [
          { name: 'id', type: 'number', nativeType: 'int4' },
          { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
        ],
      });
      const broken = await insertFactTable(db, {
        projectId,
        dataSourceId: source.id,
        name: 'broken',
        sql: 'select id, ts from table_that_was_dropped',
        timestampColumn: 'ts',
        columns: [
          { name: 'id', type: 'number', nativeType: 'int4' },
          { name: 'ts', type: 'timestamp', nativeType: 'timestamptz' },
        ],
      });
      const completed = await insertRowFilter(db, {
        projectId,
        factTableId: events.id,
        name: 'completed',
        expression: "status = 'completed'",
      });
      const failed = await insertRowFilter(db, {
        projectId,
        factTableId: events.id,
        name: 'failed',
        expression: "status = 'failed'",
      });
      const german = await insertRowFilter(db, {
        projectId,
        factTableId: events.id,
        name: 'german',
        expression: "country = 'DE'",
      });

      const h = "date_trunc('hour', ts, 'UTC')";
      const d = "date_trunc('day', ts, 'UTC')";
      const single = (
        aggregation: string,
        column: string | null,
        filters: string[] = [],
        breakdowns: string[] = [],
        topN = 10,
      ) => ({
        kind: 'fact',
        shape: 'single',
        operand: { factTableId: events.id, aggregation, column, rowFilterIds: filters },
        breakdowns,
        topN,
      });
      const specs: { name: string; interval?: string; definition: unknown; reference: string | null }[] = [
        {
          name: 'count',
          definition: single('count', null),
          reference: `select ${h} as bucket, count(*) as value from events group by 1`,
        },
        {
          name: 'count completed',
          definition: single('count', null, [completed.id]),
          reference: `select ${h} as bucket, count(*) as value from events where status = 'completed' group by 1`,
        },
        {
          name: 'count non-null duration, completed and german',
          definition: single('count', 'duration', [completed.id, german.id]),
          reference: `select ${h} as bucket, count(duration) as value from events where status = 'completed' and country = 'DE' group by 1`,
        },
        {
          name: 'distinct users completed',
          definition: single('count_distinct', 'user_id', [completed.id]),
          reference: `select ${h} as bucket, count(distinct user_id) as value from events where status = 'completed' group by 1`,
        },
        {
          name: 'revenue',
          definition: single('sum', 'amount', [completed.id]),
          reference: `select ${h} as bucket, sum(amount) as value from events where status = 'completed' group by 1`,
        },
        {
          name: 'avg amount',
          definition: single('avg', 'amount'),
          reference: `select ${h} as bucket, avg(amount) as value from events group by 1`,
        },
        {
          name: 'min duration',
          definition: single('min', 'duration'),
          reference: `select ${h} as bucket, min(duration) as value from events group by 1`,
        },
        {
          name: 'max duration failed',
          definition: single('max', 'duration', [failed.id]),
          reference: `select ${h} as bucket, max(duration) as value from events where status = 'failed' group by 1`,
        },
        ...(['p50', 'p90', 'p95', 'p99'] as const).map((p) => ({
          name: `${p} duration`,
          definition: single(p, 'duration'),
          reference: `select ${h} as bucket, percentile_cont(0.${p.slice(1)}) within group (order by duration) as value from events group by 1`,
        })),
        {
          name: 'daily distinct users by country',
          interval: 'day',
          definition: single('count_distinct', 'user_id', [], ['country'], 3),
          reference: `select ${d} as bucket, count(distinct user_id) as value from events group by 1`,
        },
        {
          name: 'daily completed revenue by country',
          interval: 'day',
          definition: single('sum', 'amount', [completed.id], ['country'], 3),
          reference: `select ${d} as bucket, sum(amount) as value from events where status = 'completed' group by 1`,
        },
        {
          name: 'completion rate',
          definition: {
            kind: 'fact',
            shape: 'ratio',
            numerator: {
              factTableId: events.id,
              aggregation: 'count',
              column: null,
              rowFilterIds: [completed.id],
            },
            denominator: { factTableId: events.id, aggregation: 'count', column: null, rowFilterIds: [] },
          },
          reference: `select ${h} as bucket, (count(*) filter (where status = 'completed'))::float8 / count(*) as value from events group by 1`,
        },
        {
          name: 'events per visit',
          definition: {
            kind: 'fact',
            shape: 'ratio',
            numerator: { factTableId: events.id, aggregation: 'count', column: null, rowFilterIds: [] },
            denominator: { factTableId: visits.id, aggregation: 'count', column: null, rowFilterIds: [] },
          },
          // Hours with events and no visits are gaps (division by zero), not infinities.
          reference: `select e.bucket, case when coalesce(v.n, 0) = 0 then null else e.n::float8 / v.n end as value
                      from (select ${h} as bucket, count(*) as n from events group by 1) e
                      left join (select ${h} as bucket, count(*) as n from visits group by 1) v using (bucket)`,
        },
        {
          name: 'sql hourly events',
          definition: {
            kind: 'sql',
            dataSourceId: source.id,
            sql: `select date_trunc('hour', ts) as bucket, count(*) as value from events where ts >= {{start}} and ts < {{end}} group by 1`,
            valueKind: 'count',
          },
          reference: `select ${h} as bucket, count(*) as value from events group by 1`,
        },
      ];

      defined = [];
      for (const spec of specs) {
        const input = metricInputSchema.parse({
          name: spec.name,
          interval: spec.interval ?? 'hour',
          lifecycle: 'active',
          definition: spec.definition,
        });
        const row = await insertMetric(db, {
          ...input,
          projectId,
          kind: input.definition.kind,
          valueKind: valueKindOf(input.definition),
          dependencies: [],
        });
        defined.push({ id: row.id, name: row.name, reference: spec.reference, definition: input.definition });
      }
      const byName = (name: string) => defined.find((m) => m.name === name)?.id as string;
      for (const [name, definition, reference] of [
        [
          'completion rate (composed)',
          { kind: 'composition', op: 'div', a: byName('count completed'), b: byName('count') },
          `select ${h} as bucket, (count(*) filter (where status = 'completed'))::float8 / count(*) as value from events group by 1`,
        ],
        [
          'twice the count',
          { kind: 'composition', op: 'scale', a: byName('count'), k: 2 },
          `select ${h} as bucket, 2 * count(*) as value from events group by 1`,
        ],
        [
          'not completed',
          { kind: 'composition', op: 'sub', a: byName('count'), b: byName('count completed') },
          `select ${h} as bucket, count(*) filter (where status <> 'completed') as value from events group by 1`,
        ],
      ] as const) {
        const input = metricInputSchema.parse({ name, interval: 'hour', lifecycle: 'active', definition });
        const row = await insertMetric(db, {
          ...input,
          projectId,
          kind: 'composition',
          valueKind: valueKindOf(input.definition, (id) =>
            id === byName('count') || id === byName('count completed') ? 'count' : 'fractional',
          ),
          dependencies: [],
        });
        defined.push({ id: row.id, name, reference, definition: input.definition });
      }
      const brokenInput = metricInputSchema.parse({
        name: 'reads a dropped table',
        interval: 'hour',
        lifecycle: 'active',
        definition: {
          kind: 'fact',
          shape: 'single',
          operand: { factTableId: broken.id, aggregation: 'count', column: null },
        },
      });
      brokenFactTableMetric = (
        await insertMetric(db, {
          ...brokenInput,
          projectId,
          kind: 'fact',
          valueKind: 'count',
          dependencies: [],
        })
      ).id;
    }, 120_000);

    afterAll(async () => {
      await warehouse?.cleanup();
      await handle?.close();
    });

    beforeEach(() => {
      now = NOW;
    });

    it('collects every metric to the values of a plain query per metric, and a broken fact table fails alone', async () => {
      const report = await collectTick(deps(), { projectIds: [fixture.project.id] });
      expect(report.runs).toHaveLength(1);
      const run = report.runs[0]!.run;
      expect(run.status).toBe('completed');
      expect(run.trigger).toBe('cron');
      expect(run.metricsAttempted).toBe(defined.length + 1);
      expect(run.metricsFailed).toBe(1);
      const brokenDetail = run.details.find((m) => m.metricId === brokenFactTableMetric);
      expect(brokenDetail?.status).toBe('failed');
      expect(brokenDetail?.error).toMatch(/broken.*table_that_was_dropped/s);
      const [brokenRow] = await handle.db.select().from(metrics).where(eq(metrics.id, brokenFactTableMetric));
      expect(brokenRow?.lastCollectionStatus).toBe('failed');
      expect(brokenRow?.lastCollectionError).toMatch(/table_that_was_dropped/);

      for (const metric of defined) {
        const detail = run.details.find((m) => m.metricId === metric.id);
        expect(detail?.status, `${metric.name}: ${detail?.error}`).toBe('ok');
        const stored = await series(metric.id);
        const expected = await reference(warehouse.client, metric.reference as string);
        const countShaped =
          valueKindOf(metric.definition) === 'count' ||
          metric.name === 'twice the count' ||
          metric.name === 'not completed';
        const buckets = new Set([...stored.keys(), ...expected.keys()]);
        expect(buckets.size, metric.name).toBeGreaterThan(4);
        for (const bucket of buckets) {
          const got = stored.has(bucket) ? stored.get(bucket) : countShaped ? 0 : null;
          const want = expected.has(bucket) ? expected.get(bucket) : countShaped ? 0 : null;
          if (want === null || want === undefined)
            expect(got ?? null, `${metric.name} @ ${bucket}`).toBeNull();
          else expect(got, `${metric.name} @ ${bucket}`).toBeCloseTo(want, 6);
        }
      }

      const [row] = await handle.db.select().from(metrics).where(eq(metrics.id, defined[0]!.id));
      expect(row?.watermark?.toISOString()).toBe('2026-01-06T00:00:00.000Z');
      expect(row?.nextDueAt?.toISOString()).toBe('2026-01-06T01:00:00.000Z');
      expect(row?.lastCollectionStatus).toBe('ok');
      expect(row?.claimedByRunId).toBeNull();
    });

    it('keeps the top N values of a breakdown and folds the rest into (other), distinct counts included', async () => {
      const metric = defined.find((m) => m.name === 'daily distinct users by country')!;
      const rows = await handle.db
        .select()
        .from(breakdownValues)
        .where(eq(breakdownValues.metricId, metric.id));
      const expected = await warehouse.client.runSelect(
        `with scoped as (select date_trunc('day', ts, 'UTC') as bucket, coalesce(country, '(null)') as c, user_id from events),
         ranked as (select bucket, c, row_number() over (partition by bucket order by count(*) desc, c) as rank
                    from scoped group by 1, 2)
         select s.bucket, case when r.rank <= 3 then s.c else '(other)' end as dv, count(distinct s.user_id) as value
         from scoped s join ranked r using (bucket, c) group by 1, 2`,
        [],
        { timeoutMs: 10_000, maxRows: 1_000 },
      );
      const perBucket = new Map<number, number>();
      for (const r of rows)
        perBucket.set(r.bucketStart.getTime(), (perBucket.get(r.bucketStart.getTime()) ?? 0) + 1);
      expect([...perBucket.values()].every((n) => n === 4)).toBe(true);
      expect(rows.some((r) => r.dimensionValue === '(other)')).toBe(true);
      expect(rows).toHaveLength(expected.rows.length);
      for (const want of expected.rows) {
        const got = rows.find(
          (r) => r.bucketStart.getTime() === (want.bucket as Date).getTime() && r.dimensionValue === want.dv,
        );
        expect(got?.value, `${String(want.dv)} @ ${(want.bucket as Date).toISOString()}`).toBe(
          Number(want.value),
        );
        expect(got?.dimension).toBe('country');
      }
    });

    it('folds a sum breakdown the same way: per bucket top N by rows, (other) from the rest', async () => {
      const metric = defined.find((m) => m.name === 'daily completed revenue by country')!;
      const rows = await handle.db
        .select()
        .from(breakdownValues)
        .where(eq(breakdownValues.metricId, metric.id));
      const expected = await warehouse.client.runSelect(
        `with scoped as (select date_trunc('day', ts, 'UTC') as bucket, coalesce(country, '(null)') as c, amount, status
                         from events),
         ranked as (select bucket, c, row_number() over (partition by bucket order by count(*) desc, c) as rank
                    from scoped group by 1, 2)
         select s.bucket, case when r.rank <= 3 then s.c else '(other)' end as dv,
                coalesce(sum(s.amount) filter (where s.status = 'completed'), 0) as value
         from scoped s join ranked r using (bucket, c) group by 1, 2`,
        [],
        { timeoutMs: 10_000, maxRows: 1_000 },
      );
      expect(rows).toHaveLength(expected.rows.length);
      for (const want of expected.rows) {
        const got = rows.find(
          (r) => r.bucketStart.getTime() === (want.bucket as Date).getTime() && r.dimensionValue === want.dv,
        );
        expect(got?.value, `${String(want.dv)} @ ${(want.bucket as Date).toISOString()}`).toBeCloseTo(
          Number(want.value),
          6,
        );
      }
    });

    it('a repeated run leaves identical rows', async () => {
      const before = await snapshot();
      const report = await collectProject(deps(), {
        project: await project(),
        trigger: 'manual',
        request: { metricIds: defined.map((m) => m.id), force: true },
      });
      expect(report?.run.status).toBe('completed');
      expect(report?.run.metricsFailed).toBe(0);
      expect(await snapshot()).toEqual(before);
    });

    it('nothing is due until a new bucket completes, and a tick then absorbs late rows inside the lookback', async () => {
      expect((await collectTick(deps(), { projectIds: [fixture.project.id] })).runs).toHaveLength(0);
      const count = defined.find((m) => m.name === 'count')!;
      const before = await series(count.id);
      // Two late rows for 23:00 (inside the lookback) and one for the new 00:00 bucket.
      await warehouse.exec(`insert into events values
        (900001, '2026-01-05T23:10:00Z', 1, 10, 5, 'completed', 'US'),
        (900002, '2026-01-05T23:20:00Z', 2, 10, 5, 'completed', 'US'),
        (900003, '2026-01-06T00:40:00Z', 3, 10, 5, 'completed', 'US')`);
      now = new Date('2026-01-06T01:05:00Z');
      const report = await collectTick(deps(), { projectIds: [fixture.project.id] });
      const run = report.runs[0]!.run;
      expect(run.details.find((m) => m.metricId === count.id)).toMatchObject({
        status: 'ok',
        windowStart: '2026-01-05T21:00:00.000Z',
        windowEnd: '2026-01-06T01:00:00.000Z',
      });
      const after = await series(count.id);
      expect(after.get('2026-01-05T23:00:00.000Z')).toBe((before.get('2026-01-05T23:00:00.000Z') ?? 0) + 2);
      expect(after.get('2026-01-06T00:00:00.000Z')).toBe(1);
      // Day metrics are not due until the day completes.
      expect(run.details.some((m) => m.name.startsWith('daily'))).toBe(false);
    });

    it('a failure while writing rolls that metric back to its previous values; the others are written', async () => {
      const count = defined.find((m) => m.name === 'count')!;
      const revenue = defined.find((m) => m.name === 'revenue')!;
      const before = await series(count.id);
      await warehouse.exec(
        `insert into events values (900004, '2026-01-06T00:50:00Z', 4, 10, 5, 'completed', 'US')`,
      );
      now = new Date('2026-01-06T01:10:00Z');
      const report = await collectProject(
        deps({
          beforeCommit: async (metricId) => {
            if (metricId === count.id) throw new Error('disk full');
          },
        }),
        {
          project: await project(),
          trigger: 'manual',
          request: { metricIds: [count.id, revenue.id], force: true },
        },
      );
      const run = report!.run;
      expect(run.details.find((m) => m.metricId === count.id)).toMatchObject({
        status: 'failed',
        error: 'Writing the values failed; the previous values were kept.',
      });
      expect(run.details.find((m) => m.metricId === revenue.id)?.status).toBe('ok');
      expect(await series(count.id)).toEqual(before);
      const revenueNow = await series(revenue.id);
      expect(revenueNow.get('2026-01-06T00:00:00.000Z')).toBeCloseTo(20, 6);
    });

    it('concurrent ticks collect each due metric exactly once', async () => {
      now = new Date('2026-01-06T02:05:00Z');
      const reports = await Promise.all(
        Array.from({ length: 10 }, () => collectTick(deps(), { projectIds: [fixture.project.id] })),
      );
      const runs = reports.flatMap((r) => r.runs.map((x) => x.run));
      const collected = runs.flatMap((r) =>
        r.details.filter((m) => m.status !== 'skipped').map((m) => m.metricId),
      );
      const hourly = defined.filter((m) => !m.name.startsWith('daily')).map((m) => m.id);
      expect([...collected].sort()).toEqual([...hourly, brokenFactTableMetric].sort());
      const stored = await handle.db
        .select()
        .from(collectionRuns)
        .where(and(eq(collectionRuns.projectId, fixture.project.id), eq(collectionRuns.status, 'running')));
      expect(stored).toHaveLength(0);
    });
  });
}
