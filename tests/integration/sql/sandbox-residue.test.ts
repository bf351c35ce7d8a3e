/**
 * The guard is defence in depth, not the boundary: every corpus entry it accepts is run in the sandboxed runner
 * against a canary database, which must come out exactly as it went in — same rows, no advisory lock, no
 * changed setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSelect } from '@/lib/sql/guard';
import type { WarehouseClient } from '@/lib/warehouse/types';
import { warehouseTargets } from '../../helpers/warehouse';
import { CORPUS } from '../../unit/sql/corpus';

const CANARY_SQL = `
  create table orders (id int primary key, created_at timestamptz, amount numeric, status text, customer_id int);
  insert into orders select g, timestamptz '2026-01-01' + g * interval '1 hour', g * 1.5, 'completed', g % 7
    from generate_series(1, 50) g;
  create table canary (id int primary key, note text);
  insert into canary select g, 'row ' || g from generate_series(1, 5) g;
  create sequence canary_seq;`;

const FINGERPRINT = `select
  (select md5(string_agg(id || ':' || note, ',' order by id)) from canary) as canary,
  (select md5(string_agg(id || ':' || amount, ',' order by id)) from orders) as orders,
  (select last_value from canary_seq) as sequence,
  (select count(*)::int from pg_largeobject_metadata) as large_objects,
  (select count(*)::int from pg_locks where locktype = 'advisory') as advisory_locks,
  (select md5(string_agg(name || '=' || setting, ',' order by name)) from pg_settings) as settings`;

const limits = { timeoutMs: 3_000, maxRows: 1_000 };
const WINDOW = [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z')];

const targets = warehouseTargets({
  setupSql: CANARY_SQL,
  teardownSql: 'drop table if exists orders, canary; drop sequence if exists canary_seq',
});

const postgresEntries = CORPUS.filter((e) => (e.dialect ?? 'postgres') === 'postgres');

describe.each(targets)('accepted SQL leaves no residue on the $name', ({ open }) => {
  let client: WarehouseClient;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ client, cleanup } = await open()), 120_000);
  afterAll(async () => cleanup?.());

  it('runs every accepted corpus entry and finds the canary unchanged after each', async () => {
    const fingerprint = async () => (await client.runSelect(FINGERPRINT, [], limits)).rows[0];
    const baseline = await fingerprint();
    let ran = 0;
    for (const entry of postgresEntries) {
      const verdict = await checkSelect(entry.sql, { placeholders: entry.placeholders });
      if (!verdict.ok) continue;
      const params = verdict.params.map((name) => (name === 'start' ? WINDOW[0] : WINDOW[1]));
      // Failing is fine (a table the canary lacks, a timeout); changing anything is not.
      await client.runSelect(verdict.normalized, params, limits).catch(() => undefined);
      expect(await fingerprint(), entry.why).toEqual(baseline);
      ran++;
    }
    expect(ran).toBeGreaterThan(50);
  }, 300_000);
});
