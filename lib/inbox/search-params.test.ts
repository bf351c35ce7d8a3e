import { describe, expect, it } from 'vitest';
import { inboxQuerySchema } from './schemas';
import { parseInboxSearchParams, toInboxSearch } from './search-params';

const METRIC = '0b6f3a8e-3f2d-4c7a-9d2e-5a1b2c3d4e5f';

describe('parseInboxSearchParams', () => {
  it('gives the whole metric, every status and every severity by default', () => {
    expect(parseInboxSearchParams({})).toEqual({ status: 'all', severity: 'low', scope: 'metric' });
  });

  it('reads every filter', () => {
    const query = parseInboxSearchParams(
      new URLSearchParams({
        status: 'active',
        severity: 'high',
        metric: METRIC,
        tag: 'sales',
        scope: 'breakdowns',
        before: '2026-10-19T09:00:00.000Z',
      }),
    );
    expect(query).toEqual({
      status: 'active',
      severity: 'high',
      metric: METRIC,
      tag: 'sales',
      scope: 'breakdowns',
      before: '2026-10-19T09:00:00.000Z',
    });
    expect(inboxQuerySchema.parse(query)).toEqual(query);
  });

  it('drops bad values so their defaults apply, field by field', () => {
    expect(
      parseInboxSearchParams({
        status: 'open',
        severity: 'critical',
        metric: 'not-a-uuid',
        tag: ['sales', 'core'],
        scope: 'everything',
        before: 'yesterday',
        extra: 'x',
      }),
    ).toEqual({ status: 'all', severity: 'low', scope: 'metric', tag: 'sales' });
  });

  it('ignores empty values, as an unselected form field sends them', () => {
    expect(parseInboxSearchParams({ metric: '', tag: '', status: '' })).toEqual(parseInboxSearchParams({}));
  });
});

describe('toInboxSearch', () => {
  it('leaves defaults out and round-trips the rest', () => {
    expect(toInboxSearch(parseInboxSearchParams({}))).toBe('');
    const search = toInboxSearch({ status: 'resolved', scope: 'all', tag: 'core', severity: 'low' });
    expect(search).toBe('?status=resolved&tag=core&scope=all');
    expect(parseInboxSearchParams(new URLSearchParams(search))).toMatchObject({
      status: 'resolved',
      scope: 'all',
      tag: 'core',
    });
  });
});
