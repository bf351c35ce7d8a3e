import { describe, expect, it } from 'vitest';
import { arrangeCatalog, catalogFacets, formatAge, isStale } from '@/lib/metrics/catalog-view';
import type { CatalogQuery } from '@/lib/metrics/schemas';
import { parseCatalogSearchParams, sortedBy, toCatalogSearch } from '@/lib/metrics/search-params';
import type { CatalogRow } from '@/lib/metrics/service';
import type { CatalogValues, SeverityLevel } from '@/lib/series/schemas';

const NOW = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const OWNER = '00000000-0000-4000-8000-0000000000aa';

let seq = 0;
function row(name: string, over: Partial<CatalogRow> = {}): CatalogRow {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name,
    description: '',
    kind: 'fact',
    lifecycle: 'active',
    interval: 'hour',
    tags: [],
    unit: '',
    format: 'number',
    ownerId: null,
    ownerName: null,
    lastCollectionStatus: 'ok',
    lastCollectionError: null,
    lastSuccessAt: hoursAgo(0.5),
    createdAt: hoursAgo(24 * 30),
    ...over,
  };
}

function values(deltaPct: number | null, signal: SeverityLevel | null = null): CatalogValues {
  return {
    latest: 1,
    latestBucket: hoursAgo(1),
    previous: 1,
    deltaPct,
    sparkline: [],
    signal,
    direction: 'higher_is_better',
    valueKind: 'count',
  };
}

describe('isStale', () => {
  it('marks an active metric whose last success is older than two of its intervals', () => {
    expect(isStale(row('a', { lastSuccessAt: hoursAgo(2.5) }), NOW)).toBe(true);
    expect(isStale(row('b', { lastSuccessAt: hoursAgo(1.5) }), NOW)).toBe(false);
    expect(isStale(row('c', { interval: 'day', lastSuccessAt: hoursAgo(47) }), NOW)).toBe(false);
    expect(isStale(row('d', { interval: 'day', lastSuccessAt: hoursAgo(49) }), NOW)).toBe(true);
    expect(isStale(row('e', { interval: 'week', lastSuccessAt: hoursAgo(24 * 13) }), NOW)).toBe(false);
  });

  it('never marks drafts or archived metrics, which are not collected', () => {
    expect(isStale(row('a', { lifecycle: 'draft', lastSuccessAt: null }), NOW)).toBe(false);
    expect(isStale(row('b', { lifecycle: 'archived', lastSuccessAt: hoursAgo(500) }), NOW)).toBe(false);
  });

  it('counts a never-collected metric from its creation', () => {
    expect(isStale(row('a', { lastSuccessAt: null, createdAt: hoursAgo(1) }), NOW)).toBe(false);
    expect(isStale(row('b', { lastSuccessAt: null, createdAt: hoursAgo(3) }), NOW)).toBe(true);
  });
});

describe('formatAge', () => {
  it('says how long ago in the largest whole unit', () => {
    expect(formatAge(hoursAgo(0), NOW)).toBe('just now');
    expect(formatAge(hoursAgo(0.2), NOW)).toBe('12 min ago');
    expect(formatAge(hoursAgo(3.4), NOW)).toBe('3 h ago');
    expect(formatAge(hoursAgo(24 * 4 + 2), NOW)).toBe('4 d ago');
  });
});

describe('arrangeCatalog', () => {
  const up = row('Up a lot');
  const down = row('Down');
  const flat = row('flat');
  const none = row('Never collected', { lastSuccessAt: null, createdAt: hoursAgo(5) });
  const rows = [up, down, flat, none];
  const vals = {
    [up.id]: values(40, 'high'),
    [down.id]: values(-25, 'low'),
    [flat.id]: values(0, null),
  };
  const names = (query: CatalogQuery, pageSize?: number) =>
    arrangeCatalog({ rows, values: vals, query, now: NOW, pageSize }).entries.map((e) => e.name);

  it('sorts by name without regard to case, either way', () => {
    expect(names({})).toEqual(['Down', 'flat', 'Never collected', 'Up a lot']);
    expect(names({ sort: 'name', dir: 'desc' })).toEqual(['Up a lot', 'Never collected', 'flat', 'Down']);
  });

  it('sorts by change, largest first by default, with unknown changes last both ways', () => {
    expect(names({ sort: 'change' })).toEqual(['Up a lot', 'flat', 'Down', 'Never collected']);
    expect(names({ sort: 'change', dir: 'asc' })).toEqual(['Down', 'flat', 'Up a lot', 'Never collected']);
  });

  it('sorts by signal and by last collection', () => {
    expect(names({ sort: 'signal' })).toEqual(['Up a lot', 'Down', 'flat', 'Never collected']);
    expect(names({ sort: 'collected', dir: 'asc' }).at(-1)).toBe('Never collected');
  });

  it('filters by signal and staleness after reading the values', () => {
    expect(names({ signal: 'none' })).toEqual(['flat', 'Never collected']);
    expect(names({ signal: 'any' })).toEqual(['Down', 'Up a lot']);
    expect(names({ signal: 'medium' })).toEqual(['Up a lot']);
    expect(names({ signal: 'high' })).toEqual(['Up a lot']);
    expect(names({ stale: true })).toEqual(['Never collected']);
  });

  it('pages after sorting, so each page holds the next rows of the whole order', () => {
    expect(names({ sort: 'change' }, 3)).toEqual(['Up a lot', 'flat', 'Down']);
    const second = arrangeCatalog({
      rows,
      values: vals,
      query: { sort: 'change', page: 2 },
      now: NOW,
      pageSize: 3,
    });
    expect(second).toMatchObject({ page: 2, pageCount: 2, matching: 4 });
    expect(second.entries.map((e) => e.name)).toEqual(['Never collected']);
    const past = arrangeCatalog({ rows, values: vals, query: { page: 9 }, now: NOW, pageSize: 3 });
    expect(past.page).toBe(2);
  });
});

describe('catalogFacets', () => {
  it('lists every tag and owner once, and whether some metric has none', () => {
    const facets = catalogFacets([
      row('a', { tags: ['sales', 'core'], ownerId: OWNER, ownerName: 'Eddie' }),
      row('b', { tags: ['core'], ownerId: OWNER, ownerName: 'Eddie' }),
      row('c'),
    ]);
    expect(facets).toEqual({
      tags: ['core', 'sales'],
      owners: [{ id: OWNER, name: 'Eddie' }],
      unowned: true,
    });
  });
});

describe('catalog search params', () => {
  it('reads every filter, the sort and the page, dropping what is malformed', () => {
    expect(
      parseCatalogSearchParams({
        q: 'rev',
        owner: OWNER,
        signal: 'medium',
        stale: '1',
        sort: 'change',
        dir: 'asc',
        page: '2',
        kind: 'bogus',
      }),
    ).toEqual({ q: 'rev', owner: OWNER, signal: 'medium', stale: true, sort: 'change', dir: 'asc', page: 2 });
    expect(parseCatalogSearchParams({ owner: 'someone', signal: 'low', page: '0', sort: 'id' })).toEqual({});
  });

  it('writes the state back without defaults, and round-trips', () => {
    const query: CatalogQuery = { owner: 'none', stale: true, sort: 'signal', dir: 'asc', page: 3 };
    const search = toCatalogSearch(query);
    expect(search).toBe('?owner=none&stale=1&sort=signal&dir=asc&page=3');
    expect(parseCatalogSearchParams(Object.fromEntries(new URLSearchParams(search)))).toEqual(query);
    expect(toCatalogSearch({ sort: 'name', dir: 'asc', page: 1 })).toBe('');
  });

  it('sorts by a new column in its own default direction, and flips the current one', () => {
    expect(sortedBy({ page: 4 }, 'change')).toEqual({ sort: 'change', dir: 'desc', page: undefined });
    expect(sortedBy({ sort: 'change', dir: 'desc' }, 'change')).toMatchObject({ dir: 'asc' });
    expect(sortedBy({}, 'name')).toMatchObject({ sort: 'name', dir: 'desc' });
  });
});
