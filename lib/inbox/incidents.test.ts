import { describe, expect, it } from 'vitest';
import {
  factTablesByMetric,
  groupIncidents,
  groupIndices,
  incidentKeysOf,
  pageLength,
  type IncidentMember,
} from './incidents';

const H = 3_600_000;
const D = 24 * H;

type Member = IncidentMember & { id: string };
const hour = (id: string, at: number, keys: string[]): Member => ({
  id,
  start: at * H,
  end: (at + 1) * H,
  keys,
});
const day = (id: string, dayIndex: number, keys: string[]): Member => ({
  id,
  start: dayIndex * D,
  end: (dayIndex + 1) * D,
  keys,
});
const ids = (groups: Member[][]) => groups.map((g) => g.map((m) => m.id));

describe('factTablesByMetric', () => {
  it('gives a ratio both operand tables and a composition the tables of its inputs, transitively', () => {
    const tables = factTablesByMetric([
      { metricId: 'orders', factTableId: 'T-orders', inputMetricId: null },
      { metricId: 'conversion', factTableId: 'T-orders', inputMetricId: null },
      { metricId: 'conversion', factTableId: 'T-sessions', inputMetricId: null },
      { metricId: 'per-user', factTableId: null, inputMetricId: 'orders' },
      { metricId: 'per-user', factTableId: null, inputMetricId: 'dau' },
      { metricId: 'scaled', factTableId: null, inputMetricId: 'per-user' },
    ]);
    expect(tables.get('conversion')).toEqual(['T-orders', 'T-sessions']);
    expect(tables.get('per-user')).toEqual(['T-orders']);
    expect(tables.get('scaled')).toEqual(['T-orders']);
    expect(tables.get('dau')).toBeUndefined();
  });

  it('stops on a cycle instead of looping', () => {
    const tables = factTablesByMetric([
      { metricId: 'a', factTableId: null, inputMetricId: 'b' },
      { metricId: 'b', factTableId: 'T', inputMetricId: 'a' },
    ]);
    expect(tables.get('a')).toEqual(['T']);
    expect(tables.get('b')).toEqual(['T']);
  });
});

describe('incidentKeysOf', () => {
  const tables = new Map([['orders', ['T1']]]);
  it('keys a whole-metric anomaly by its metric and its fact tables', () => {
    expect(incidentKeysOf({ metricId: 'orders', dimension: '', dimensionValue: '' }, tables)).toEqual([
      'metric:orders',
      'fact:T1',
    ]);
  });
  it('keys a breakdown value only by its own series', () => {
    const keys = incidentKeysOf({ metricId: 'orders', dimension: 'country', dimensionValue: 'DE' }, tables);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^series:orders/);
  });
});

describe('groupIncidents', () => {
  it('joins metrics on a shared fact table whose buckets overlap, across intervals', () => {
    const groups = groupIncidents([
      hour('orders-10h', 10, ['metric:orders', 'fact:T-orders']),
      day('revenue-day0', 0, ['metric:revenue', 'fact:T-orders']),
      hour('sessions-10h', 10, ['metric:sessions', 'fact:T-sessions']),
    ]);
    expect(ids(groups)).toEqual([['orders-10h', 'revenue-day0'], ['sessions-10h']]);
  });

  it('keeps metrics of unrelated fact tables apart even in the same bucket', () => {
    expect(
      groupIncidents([hour('a', 5, ['metric:a', 'fact:X']), hour('b', 5, ['metric:b', 'fact:Y'])]),
    ).toHaveLength(2);
  });

  it('keeps anomalies of one fact table apart when their buckets are far apart', () => {
    expect(
      groupIncidents([hour('a', 5, ['metric:a', 'fact:X']), hour('b', 9, ['metric:b', 'fact:X'])]),
    ).toHaveLength(2);
  });

  it('makes a run of consecutive buckets of one metric one incident, without a fact table', () => {
    const run = [12, 11, 10, 9].map((h) => hour(`sql-${h}`, h, ['metric:sql']));
    expect(ids(groupIncidents([...run, hour('sql-15', 15, ['metric:sql'])]))).toEqual([
      ['sql-12', 'sql-11', 'sql-10', 'sql-9'],
      ['sql-15'],
    ]);
  });

  it('chains through a common member: a daily anomaly links hourly ones hours apart', () => {
    const groups = groupIncidents([
      hour('orders-20h', 20, ['metric:orders', 'fact:T']),
      hour('refunds-3h', 3, ['metric:refunds', 'fact:T']),
      day('revenue', 0, ['metric:revenue', 'fact:T']),
    ]);
    expect(ids(groups)).toEqual([['orders-20h', 'refunds-3h', 'revenue']]);
  });

  it('joins a composition with the metrics its inputs read', () => {
    const tables = factTablesByMetric([
      { metricId: 'revenue', factTableId: 'T-orders', inputMetricId: null },
      { metricId: 'per-user', factTableId: null, inputMetricId: 'revenue' },
      { metricId: 'per-user', factTableId: null, inputMetricId: 'dau' },
    ]);
    const member = (id: string, metricId: string): Member => ({
      ...day(id, 3, []),
      keys: incidentKeysOf({ metricId, dimension: '', dimensionValue: '' }, tables),
    });
    expect(
      ids(groupIncidents([member('r', 'revenue'), member('p', 'per-user'), member('d', 'dau')])),
    ).toEqual([['r', 'p'], ['d']]);
  });

  it('is the same partition whatever the input order', () => {
    const members = [
      hour('a', 1, ['metric:a', 'fact:X']),
      hour('b', 2, ['metric:b', 'fact:X']),
      hour('c', 2, ['metric:c', 'fact:Y']),
      hour('d', 3, ['metric:c', 'fact:Y']),
      hour('e', 30, ['metric:a', 'fact:X']),
    ];
    const partition = (list: Member[]) =>
      groupIncidents(list)
        .map((g) =>
          g
            .map((m) => m.id)
            .sort()
            .join(''),
        )
        .sort();
    expect(partition(members)).toEqual(['ab', 'cd', 'e']);
    expect(partition([...members].reverse())).toEqual(['ab', 'cd', 'e']);
  });
});

describe('pageLength', () => {
  // Newest first, as the inbox reads them.
  const rows = (starts: number[]) => starts.map((s) => ({ start: s * H }));

  it('shows everything that fits', () => {
    expect(pageLength(rows([5, 4]), [0, 1], { limit: 3 })).toBe(2);
  });

  it('ends before an incident that would be split', () => {
    // Rows 2 and 3 are one incident: a cut after two rows keeps it whole on the next page.
    expect(pageLength(rows([9, 8, 5, 4, 1]), [0, 1, 2, 2, 3], { limit: 3 })).toBe(2);
  });

  it('never cuts between two rows of the same bucket', () => {
    expect(pageLength(rows([9, 7, 7, 3]), [0, 1, 2, 3], { limit: 2 })).toBe(1);
  });

  it('runs past the limit when the first incident is longer than a page', () => {
    expect(pageLength(rows([9, 8, 7, 6, 2]), [0, 0, 0, 0, 1], { limit: 2 })).toBe(4);
  });

  it('agrees with groupIndices on interleaved incidents', () => {
    const members = [
      hour('a', 10, ['metric:a']),
      hour('b', 10, ['metric:b']),
      hour('a2', 9, ['metric:a']),
      hour('c', 5, ['metric:c']),
    ];
    const groupOf: number[] = [];
    groupIndices(members).forEach((g, gi) => g.forEach((i) => (groupOf[i] = gi)));
    expect(pageLength(members, groupOf, { limit: 2 })).toBe(3);
  });
});
