import { describe, expect, it } from 'vitest';
import { parseSeriesSearchParams, toSeriesSearch } from './search-params';

describe('parseSeriesSearchParams', () => {
  it('keeps the fields that parse', () => {
    expect(
      parseSeriesSearchParams({
        range: 'custom',
        from: '2025-03-01',
        to: '2025-03-07',
        ma: '24',
        trail: '168',
        compare: 'previous',
        top: '3',
        breakdown: 'country',
      }),
    ).toEqual({
      range: 'custom',
      from: '2025-03-01',
      to: '2025-03-07',
      ma: 24,
      trail: 168,
      compare: 'previous',
      top: 3,
      breakdown: 'country',
    });
  });

  it('drops anything malformed instead of failing', () => {
    expect(
      parseSeriesSearchParams({
        range: '2w',
        from: '2025-02-30',
        to: 'yesterday',
        ma: '-3',
        trail: '1e9',
        compare: 'yes',
        top: '50',
        breakdown: 'country; drop table x',
        extra: 'ignored',
      }),
    ).toEqual({});
  });

  it('takes the first of repeated parameters and reads URLSearchParams too', () => {
    expect(parseSeriesSearchParams({ range: ['30d', '1y'] })).toEqual({ range: '30d' });
    expect(parseSeriesSearchParams(new URLSearchParams('range=1y&ma=7'))).toEqual({ range: '1y', ma: 7 });
  });
});

describe('toSeriesSearch', () => {
  it('writes only what is set, and dates only for a custom range', () => {
    expect(toSeriesSearch({})).toBe('');
    expect(toSeriesSearch({ range: '7d', from: '2025-03-01', to: '2025-03-07', top: 3 })).toBe(
      '?range=7d&top=3',
    );
    expect(
      toSeriesSearch({ range: 'custom', from: '2025-03-01', to: '2025-03-07', breakdown: 'country' }),
    ).toBe('?range=custom&from=2025-03-01&to=2025-03-07&breakdown=country');
  });
});
