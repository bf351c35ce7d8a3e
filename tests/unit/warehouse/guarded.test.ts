import { describe, expect, it } from 'vitest';
import { EXTENDED_PROTOCOL, postgresSession } from '@/lib/warehouse/clients/postgres';
import { WarehouseError } from '@/lib/warehouse/errors';
import { runGuardedSelect, wrapWithLimit, type SqlSession } from '@/lib/warehouse/guarded';

const limits = { timeoutMs: 10_000, maxRows: 100, searchPath: 'public' };

/** A fake session that records what is sent and answers the read-back with the given settings. */
function fakeSession(readBack: Record<string, string>): SqlSession & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async control(text) {
      sent.push(text);
    },
    async query(text) {
      sent.push(text);
      if (text.includes('current_setting')) return { rows: [readBack], fields: [] };
      return { rows: [{ n: 1 }], fields: [{ name: 'n', typeOid: 23 }] };
    },
  };
}

const applied = {
  read_only: 'on',
  statement_timeout: '10000',
  lock_timeout: '5000',
  idle_timeout: '10000',
  search_path: 'public',
};

describe('the guarded sequence', () => {
  it('begins read-only, sets and checks the limits, runs the wrapped query, and always rolls back', async () => {
    const session = fakeSession(applied);
    const result = await runGuardedSelect(session, 'select 1 as n', [], limits);
    expect(result.columns).toEqual([{ name: 'n', nativeType: 'int4', type: 'number' }]);
    expect(session.sent[0]).toBe('BEGIN READ ONLY');
    expect(session.sent[3]).toBe(wrapWithLimit('select 1 as n', 100));
    expect(session.sent.at(-1)).toBe('ROLLBACK');
    expect(session.sent).not.toContain('COMMIT');
  });

  it('refuses to run the query when a driver drops the SET LOCAL (limits not applied)', async () => {
    const session = fakeSession({ ...applied, statement_timeout: '0' });
    const error = await runGuardedSelect(session, 'select 1 as n', [], limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).kind).toBe('limits_not_applied');
    expect((error as WarehouseError).message).toContain('statement_timeout');
    expect(session.sent.some((s) => s.includes('sightline_query'))).toBe(false);
    expect(session.sent.at(-1)).toBe('ROLLBACK');
  });

  it('refuses when the transaction is not read-only or the search path differs', async () => {
    for (const override of [{ read_only: 'off' }, { search_path: 'public, evil' }]) {
      const error = await runGuardedSelect(
        fakeSession({ ...applied, ...override }),
        'select 1',
        [],
        limits,
      ).catch((e: unknown) => e);
      expect((error as WarehouseError).kind).toBe('limits_not_applied');
    }
  });

  it('keeps a trailing comment in the user SQL from swallowing the wrapper', () => {
    expect(wrapWithLimit('select 1 -- note', 5)).toBe(
      'select * from (\nselect 1 -- note\n) as sightline_query limit 6',
    );
  });
});

describe('the postgres.js session', () => {
  it('sends every statement, user SQL and control alike, on the extended protocol', async () => {
    const calls: { text: string; options: unknown }[] = [];
    const spy = {
      unsafe: (text: string, _params: unknown, options: unknown) => {
        calls.push({ text, options });
        return Promise.resolve(Object.assign([], { columns: [] }));
      },
    };
    const session = postgresSession(spy as never);
    await session.control('BEGIN READ ONLY');
    await session.query('select 1', []);
    await session.control('ROLLBACK');
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call.options).toEqual(EXTENDED_PROTOCOL);
    expect(EXTENDED_PROTOCOL).toMatchObject({ simple: false });
  });
});
