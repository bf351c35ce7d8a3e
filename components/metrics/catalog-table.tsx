'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Sparkline } from '@/components/charts/sparkline';
import { Badge, type Tone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';
import type { CatalogRow } from '@/lib/metrics/service';
import type { MetricLifecycle } from '@/lib/metrics/schemas';
import { formatBucket, formatValue } from '@/lib/series/format';
import type { CatalogValues } from '@/lib/series/schemas';
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

export function CatalogTable({
  rows,
  values,
  projectSlug,
  timeZone,
  canEdit,
  setLifecycle,
}: {
  rows: CatalogRow[];
  /** Latest value, change, sparkline and signal per metric id. */
  values: Record<string, CatalogValues>;
  projectSlug: string;
  timeZone: string;
  canEdit: boolean;
  setLifecycle: SetLifecycle;
}) {
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
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900">
            <tr>
              {canEdit ? (
                <th scope="col" className="w-10 px-3 py-2">
                  <span className="sr-only">Select</span>
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2">
                Metric<span className="sr-only"> and status</span>
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Latest
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Trend, </span>Last 30
              </th>
              <th scope="col" className="px-3 py-2">
                Signal
              </th>
              <th scope="col" className="px-3 py-2">
                Kind
              </th>
              <th scope="col" className="px-3 py-2">
                Tags
              </th>
              <th scope="col" className="px-3 py-2">
                Owner
              </th>
              <th scope="col" className="px-3 py-2">
                Collected
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
                {canEdit ? (
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.name}`}
                      checked={selected.has(row.id)}
                      onChange={() => toggle(row.id)}
                    />
                  </td>
                ) : null}
                <td className="min-w-56 px-3 py-2">
                  <div>
                    <Link
                      href={`/p/${projectSlug}/metrics/${row.id}`}
                      className="font-medium text-slate-900 hover:text-brand-600 hover:underline dark:text-slate-100"
                    >
                      {row.name}
                    </Link>
                    <span className="ml-1.5 whitespace-nowrap align-[1px]">
                      <Badge tone={LIFECYCLE_TONE[row.lifecycle]}>{row.lifecycle}</Badge>
                    </span>
                  </div>
                  {row.description ? (
                    <div className="line-clamp-1 max-w-72 text-xs text-slate-500" title={row.description}>
                      {row.description}
                    </div>
                  ) : null}
                </td>
                <LatestCells row={row} values={values[row.id]} timeZone={timeZone} />
                <td className="px-3 py-2">
                  <SignalBadge severity={values[row.id]?.signal ?? null} />
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  {KIND_LABEL[row.kind]}
                  <div className="text-xs text-slate-500">per {row.interval}</div>
                </td>
                <td className="px-3 py-2">
                  <div className="flex max-w-36 flex-wrap gap-1">
                    {row.tags.map((t) => (
                      <Badge key={t}>{t}</Badge>
                    ))}
                  </div>
                </td>
                <td className="whitespace-nowrap px-3 py-2">{row.ownerName ?? '—'}</td>
                <td className="px-3 py-2">
                  <CollectionStatus
                    status={row.lastCollectionStatus}
                    error={row.lastCollectionError}
                    lastSuccessAt={row.lastSuccessAt}
                    timeZone={timeZone}
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

/** The latest settled value with its change against the bucket before, and the last 30 buckets. */
function LatestCells({
  row,
  values,
  timeZone,
}: {
  row: CatalogRow;
  values: CatalogValues | undefined;
  timeZone: string;
}) {
  if (!values || values.latestBucket === null) {
    return (
      <>
        <td className="px-3 py-2 text-right text-slate-400">—</td>
        <td className="px-3 py-2" />
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
      <td className="whitespace-nowrap px-3 py-2 text-right">
        <div
          className="font-medium tabular-nums"
          title={`${formatValue(values.latest, format)} in the ${row.interval} of ${formatBucket(new Date(values.latestBucket), row.interval, timeZone)}`}
        >
          {formatValue(values.latest, format, { compact: true })}
        </div>
        <ValueDelta
          pct={values.deltaPct}
          direction={values.direction}
          against={`the ${row.interval} before`}
        />
      </td>
      <td className="px-3 py-2">
        <Sparkline points={values.sparkline} label={label} width={100} />
      </td>
    </>
  );
}
