'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Sparkline } from '@/components/charts/sparkline';
import { Badge, type Tone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';
import type { CatalogEntry } from '@/lib/metrics/catalog-view';
import type { CatalogQuery, CatalogSort, MetricLifecycle } from '@/lib/metrics/schemas';
import { catalogSortOf, sortedBy, toCatalogSearch } from '@/lib/metrics/search-params';
import { formatBucket, formatValue } from '@/lib/series/format';
import { CollectionStatus } from './collection-status';
import { SignalBadge } from './signal-badge';
import { ValueDelta } from './value-delta';

const LIFECYCLE_TONE: Record<MetricLifecycle, Tone> = {
  active: 'green',
  draft: 'amber',
  archived: 'neutral',
};
const KIND_LABEL = { fact: 'Fact', sql: 'SQL', composition: 'Composition' } as const;

type SetLifecycle = (
  projectSlug: string,
  input: { metricIds: string[]; lifecycle: MetricLifecycle },
) => Promise<ActionResult<{ updated: number }>>;

/**
 * One page of the catalog. Column headers that sort are links to the same page sorted by that column (a click
 * on the sorted one flips it), so the sort lives in the URL and works with the keyboard like any link.
 */
export function CatalogTable({
  entries,
  query,
  projectSlug,
  timeZone,
  now,
  canEdit,
  setLifecycle,
}: {
  entries: CatalogEntry[];
  query: CatalogQuery;
  projectSlug: string;
  timeZone: string;
  /** When staleness was judged (ISO). */
  now: string;
  canEdit: boolean;
  setLifecycle: SetLifecycle;
}) {
  const catalogPath = `/p/${projectSlug}/metrics`;
  const sortHeader = (column: CatalogSort, label: string, className?: string) => (
    <SortHeader column={column} label={label} query={query} path={catalogPath} className={className} />
  );
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const apply = (lifecycle: MetricLifecycle) =>
    startTransition(async () => {
      const result = await setLifecycle(projectSlug, { metricIds: [...selected], lifecycle });
      setMessage(result.ok ? `${result.data.updated} metric(s) now ${lifecycle}.` : result.message);
      if (result.ok) {
        setSelected(new Set());
        router.refresh();
      }
    });

  return (
    <div>
      {canEdit ? (
        <div className="mb-3 flex min-h-9 items-center gap-2 text-sm" aria-live="polite">
          <span className="text-slate-600 dark:text-slate-400">{selected.size} selected</span>
          <Button
            variant="secondary"
            disabled={selected.size === 0 || pending}
            onClick={() => apply('active')}
          >
            Activate
          </Button>
          <Button
            variant="secondary"
            disabled={selected.size === 0 || pending}
            onClick={() => apply('archived')}
          >
            Archive
          </Button>
          {message ? <span role="status">{message}</span> : null}
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">
            Metrics, sorted by {SORT_LABEL[catalogSortOf(query).sort]},{' '}
            {catalogSortOf(query).dir === 'asc' ? 'ascending' : 'descending'}
          </caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-900 dark:text-slate-300">
            <tr>
              {canEdit ? (
                <th scope="col" className="w-10 px-2 py-2">
                  <span className="sr-only">Select</span>
                </th>
              ) : null}
              {sortHeader('name', 'Metric')}
              <th scope="col" className="px-2 py-2 text-right">
                Latest
              </th>
              {sortHeader('change', 'Change', 'text-right')}
              <th scope="col" className="px-2 py-2">
                <span className="sr-only">Trend, </span>Last 30
              </th>
              {sortHeader('signal', 'Signal')}
              <th scope="col" className="px-2 py-2">
                Kind
              </th>
              <th scope="col" className="px-2 py-2">
                Tags
              </th>
              <th scope="col" className="px-2 py-2">
                Owner
              </th>
              {sortHeader('collected', 'Collected')}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {entries.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
                {canEdit ? (
                  <td className="px-2 py-2">
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.name}`}
                      checked={selected.has(row.id)}
                      onChange={() => toggle(row.id)}
                    />
                  </td>
                ) : null}
                <th scope="row" className="min-w-48 px-2 py-2 font-normal">
                  <div>
                    <Link
                      href={`${catalogPath}/${row.id}`}
                      className="font-medium text-slate-900 hover:text-brand-600 hover:underline dark:text-slate-100 dark:hover:text-brand-100"
                    >
                      {row.name}
                    </Link>
                    <span className="ml-1.5 whitespace-nowrap align-[1px]">
                      <Badge tone={LIFECYCLE_TONE[row.lifecycle]}>{row.lifecycle}</Badge>
                    </span>
                  </div>
                  {row.description ? (
                    <div
                      className="line-clamp-1 max-w-64 text-xs text-slate-600 dark:text-slate-400"
                      title={row.description}
                    >
                      {row.description}
                    </div>
                  ) : null}
                </th>
                <LatestCells row={row} timeZone={timeZone} />
                <td className="px-2 py-2">
                  <SignalBadge severity={row.values?.signal ?? null} />
                </td>
                <td className="whitespace-nowrap px-2 py-2">
                  {KIND_LABEL[row.kind]}
                  <div className="text-xs text-slate-600 dark:text-slate-400">per {row.interval}</div>
                </td>
                <td className="px-2 py-2">
                  <div className="flex max-w-36 flex-wrap gap-1">
                    {row.tags.map((t) => (
                      <Badge key={t}>{t}</Badge>
                    ))}
                  </div>
                </td>
                <td className="whitespace-nowrap px-2 py-2">{row.ownerName ?? '—'}</td>
                <td className="px-2 py-2">
                  <CollectionStatus
                    status={row.lastCollectionStatus}
                    error={row.lastCollectionError}
                    lastSuccessAt={row.lastSuccessAt}
                    timeZone={timeZone}
                    stale={row.stale ? { interval: row.interval, now } : undefined}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const SORT_LABEL: Record<CatalogSort, string> = {
  name: 'name',
  change: 'change',
  signal: 'signal',
  collected: 'last collected',
};

function SortHeader({
  column,
  label,
  query,
  path,
  className,
}: {
  column: CatalogSort;
  label: string;
  query: CatalogQuery;
  path: string;
  className?: string;
}) {
  const { sort, dir } = catalogSortOf(query);
  const active = sort === column;
  const next = sortedBy(query, column);
  return (
    <th
      scope="col"
      aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
      className={clsx('px-2 py-2', className)}
    >
      <Link
        href={`${path}${toCatalogSearch(next)}`}
        scroll={false}
        className="inline-flex items-center gap-1 rounded-sm uppercase hover:text-slate-900 hover:underline dark:hover:text-white"
      >
        {label}
        <span aria-hidden className={active ? undefined : 'opacity-40'}>
          {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
        <span className="sr-only">
          , sort by {SORT_LABEL[column]} {next.dir === 'asc' ? 'ascending' : 'descending'}
        </span>
      </Link>
    </th>
  );
}

/** The latest settled value, its change against the bucket before, and the last 30 buckets. */
function LatestCells({ row, timeZone }: { row: CatalogEntry; timeZone: string }) {
  const { values } = row;
  if (!values || values.latestBucket === null) {
    return (
      <>
        <td className="px-2 py-2 text-right text-slate-600 dark:text-slate-400">
          <span aria-hidden>—</span>
          <span className="sr-only">No value yet</span>
        </td>
        <td className="px-2 py-2" />
        <td className="px-2 py-2" />
      </>
    );
  }
  const format = { format: row.format, unit: row.unit };
  const known = values.sparkline.filter((p) => p.value !== null).map((p) => p.value as number);
  const label =
    known.length > 0
      ? `${row.name}, last ${values.sparkline.length} ${row.interval}s: from ${formatValue(known[0], format)} to ${formatValue(known.at(-1), format)}, low ${formatValue(Math.min(...known), format)}, high ${formatValue(Math.max(...known), format)}`
      : `${row.name}: no values in the last ${values.sparkline.length} ${row.interval}s`;
  return (
    <>
      <td className="whitespace-nowrap px-2 py-2 text-right">
        <div
          className="font-medium tabular-nums"
          title={`${formatValue(values.latest, format)} in the ${row.interval} of ${formatBucket(new Date(values.latestBucket), row.interval, timeZone)}`}
        >
          {formatValue(values.latest, format, { compact: true })}
        </div>
      </td>
      <td className="whitespace-nowrap px-2 py-2 text-right">
        <ValueDelta
          pct={values.deltaPct}
          direction={values.direction}
          against={`the ${row.interval} before`}
        />
      </td>
      <td className="px-2 py-2">
        <Sparkline points={values.sparkline} label={label} width={88} />
      </td>
    </>
  );
}
