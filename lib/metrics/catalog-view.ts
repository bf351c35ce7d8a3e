/**
 * The catalog as the page shows it, from its rows and their values: staleness, the filters that need values
 * (signal, stale), the sort and the page. Pure: the rows and values are read once for every matching metric,
 * so sorting by change or signal and then slicing a page is correct on every page.
 */
import type { CatalogValues, SeverityLevel } from '@/lib/series/schemas';
import {
  CATALOG_PAGE_SIZE,
  type CatalogQuery,
  type CatalogSignal,
  type MetricInterval,
  type MetricLifecycle,
} from './schemas';
import { catalogSortOf } from './search-params';
import type { CatalogRow } from './service';

export const INTERVAL_MS: Record<MetricInterval, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

/** How many intervals without a successful collection make an active metric stale. */
export const STALE_AFTER_INTERVALS = 2;

export type CatalogEntry = CatalogRow & {
  /** Active, and its last successful collection (or its creation, if it never had one) is too old. */
  stale: boolean;
  values: CatalogValues | null;
};

export type CatalogOwner = { id: string; name: string };
export type CatalogFacets = { tags: string[]; owners: CatalogOwner[]; unowned: boolean };

type StaleInput = {
  lifecycle: MetricLifecycle;
  interval: MetricInterval;
  lastSuccessAt: string | null;
  createdAt: string;
};

/**
 * Drafts and archived metrics are never collected, so they are never stale. A metric that never collected
 * counts from its creation: an hourly metric created yesterday with no value is as overdue as one that stopped.
 */
export function isStale(row: StaleInput, now: Date): boolean {
  if (row.lifecycle !== 'active') return false;
  const since = Date.parse(row.lastSuccessAt ?? row.createdAt);
  return now.getTime() - since > STALE_AFTER_INTERVALS * INTERVAL_MS[row.interval];
}

/** "just now", "12 min ago", "3 h ago", "4 d ago": how long ago, in the largest whole unit. */
export function formatAge(since: string | Date, now: Date): string {
  const ms = now.getTime() - new Date(since).getTime();
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const SEVERITY_RANK: Record<SeverityLevel, number> = { low: 1, medium: 2, high: 3 };
const rankOf = (severity: SeverityLevel | null | undefined) => (severity ? SEVERITY_RANK[severity] : 0);

function matchesSignal(entry: CatalogEntry, signal: CatalogSignal): boolean {
  const rank = rankOf(entry.values?.signal);
  switch (signal) {
    case 'none':
      return rank === 0;
    case 'any':
      return rank > 0;
    case 'medium':
      return rank >= SEVERITY_RANK.medium;
    case 'high':
      return rank >= SEVERITY_RANK.high;
    default: {
      const never: never = signal;
      return never;
    }
  }
}

const byName = (a: CatalogEntry, b: CatalogEntry) =>
  a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id);

/**
 * A comparison on one key in the asked direction, with unknown values (no change, never collected) last in
 * both directions and the name breaking ties, so a page boundary never falls between equal rows at random.
 */
function compareBy(key: (e: CatalogEntry) => number | null, dir: 1 | -1) {
  return (a: CatalogEntry, b: CatalogEntry) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return (x - y) * dir || byName(a, b);
  };
}

export function sortCatalog(entries: CatalogEntry[], query: CatalogQuery): CatalogEntry[] {
  const { sort, dir } = catalogSortOf(query);
  const sign = dir === 'asc' ? 1 : -1;
  const sorted = [...entries];
  switch (sort) {
    case 'name':
      return sorted.sort((a, b) => byName(a, b) * sign);
    case 'change':
      return sorted.sort(compareBy((e) => e.values?.deltaPct ?? null, sign));
    case 'signal':
      return sorted.sort(compareBy((e) => rankOf(e.values?.signal), sign));
    case 'collected':
      return sorted.sort(compareBy((e) => (e.lastSuccessAt ? Date.parse(e.lastSuccessAt) : null), sign));
    default: {
      const never: never = sort;
      return never;
    }
  }
}

export type ArrangedCatalog = {
  entries: CatalogEntry[];
  /** Metrics matching every filter, on all pages. */
  matching: number;
  page: number;
  pageCount: number;
  pageSize: number;
};

/** Rows already narrowed by the SQL filters (search, kind, status, tag, owner), with their values. */
export function arrangeCatalog({
  rows,
  values,
  query,
  now,
  pageSize = CATALOG_PAGE_SIZE,
}: {
  rows: readonly CatalogRow[];
  values: Record<string, CatalogValues>;
  query: CatalogQuery;
  now: Date;
  pageSize?: number;
}): ArrangedCatalog {
  let entries: CatalogEntry[] = rows.map((row) => ({
    ...row,
    stale: isStale(row, now),
    values: values[row.id] ?? null,
  }));
  const { signal } = query;
  if (signal) entries = entries.filter((e) => matchesSignal(e, signal));
  if (query.stale) entries = entries.filter((e) => e.stale);
  const sorted = sortCatalog(entries, query);
  const pageCount = Math.max(1, Math.ceil(sorted.length / pageSize));
  // A page past the end (the list shrank since the link was made) shows the last one.
  const page = Math.min(query.page ?? 1, pageCount);
  return {
    entries: sorted.slice((page - 1) * pageSize, page * pageSize),
    matching: sorted.length,
    page,
    pageCount,
    pageSize,
  };
}

/** What the filter menus offer: every tag and owner in the project, not only those of the filtered rows. */
export function catalogFacets(rows: readonly CatalogRow[]): CatalogFacets {
  const owners = new Map<string, string>();
  let unowned = false;
  for (const row of rows) {
    if (row.ownerId) owners.set(row.ownerId, row.ownerName ?? 'Unknown user');
    else unowned = true;
  }
  return {
    tags: [...new Set(rows.flatMap((r) => r.tags))].sort(),
    owners: [...owners]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en')),
    unowned,
  };
}
