'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { SignalBadge } from '@/components/metrics/signal-badge';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';
import type { MetricInterval } from '@/lib/metrics/schemas';
import { formatBucket, formatValue, type ValueFormat } from '@/lib/series/format';
import type { AnomalyDto } from '@/lib/series/schemas';

type Scope = 'all' | 'metric' | 'breakdowns';
const SCOPES: { key: Scope; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'metric', label: 'Whole metric' },
  { key: 'breakdowns', label: 'Breakdown values' },
];
const COLLAPSED_ROWS = 10;

type Acknowledge = (projectSlug: string, input: { anomalyId: string }) => Promise<ActionResult<unknown>>;

/** The metric's recorded anomalies; editors acknowledge them here. */
export function AnomalyList({
  anomalies,
  projectSlug,
  interval,
  timeZone,
  format,
  canAcknowledge,
  acknowledge,
}: {
  anomalies: AnomalyDto[];
  projectSlug: string;
  interval: MetricInterval;
  timeZone: string;
  format: ValueFormat;
  canAcknowledge: boolean;
  acknowledge: Acknowledge;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  // The whole metric's anomalies first when it has any: breakdown values add many more, each smaller.
  const [scope, setScope] = useState<Scope>(() =>
    anomalies.some((a) => a.dimension === '') ? 'metric' : 'all',
  );
  const [expanded, setExpanded] = useState(false);

  if (anomalies.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:text-slate-400 dark:border-slate-700">
        No anomalies recorded for this metric.
      </p>
    );
  }

  const ack = (anomaly: AnomalyDto) => {
    setBusyId(anomaly.id);
    startTransition(async () => {
      const result = await acknowledge(projectSlug, { anomalyId: anomaly.id });
      setBusyId(null);
      setMessage(result.ok ? 'Anomaly acknowledged.' : result.message);
      if (result.ok) router.refresh();
    });
  };
  const f = (v: number | null) => formatValue(v, format);
  const counts: Record<Scope, number> = {
    all: anomalies.length,
    metric: anomalies.filter((a) => a.dimension === '').length,
    breakdowns: anomalies.filter((a) => a.dimension !== '').length,
  };
  const inScope = anomalies.filter(
    (a) => scope === 'all' || (scope === 'metric' ? a.dimension === '' : a.dimension !== ''),
  );
  const shown = expanded ? inScope : inScope.slice(0, COLLAPSED_ROWS);

  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-3">
        <div role="group" aria-label="Which anomalies" className="inline-flex gap-1 text-sm">
          {SCOPES.map(({ key, label }) => (
            <button
              key={key}
              type="button"
              aria-pressed={scope === key}
              onClick={() => setScope(key)}
              className={
                scope === key
                  ? 'rounded bg-slate-200 px-2 py-0.5 font-medium text-slate-900 dark:bg-slate-700 dark:text-white'
                  : 'rounded px-2 py-0.5 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
              }
            >
              {label} ({counts[key]})
            </button>
          ))}
        </div>
        <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-600 dark:text-slate-400">
          {message}
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400 dark:bg-slate-900">
            <tr>
              <th scope="col" className="px-3 py-2">
                Bucket
              </th>
              <th scope="col" className="px-3 py-2">
                Severity
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Value
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Expected
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Acknowledgement</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {shown.map((a) => {
              const when = formatBucket(new Date(a.bucketStart), interval, timeZone);
              return (
                <tr key={a.id}>
                  <td className="whitespace-nowrap px-3 py-2">
                    <Link
                      href={`/p/${projectSlug}/anomalies/${a.id}`}
                      className="text-brand-700 hover:underline dark:text-brand-100"
                    >
                      {when}
                    </Link>
                    {a.dimension ? (
                      <div className="text-xs text-slate-500 dark:text-slate-400">
                        {a.dimension} = {a.dimensionValue}
                      </div>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <span className="inline-flex items-center gap-2">
                      <SignalBadge severity={a.severity} />
                      <span className="text-xs text-slate-500 dark:text-slate-400">
                        <span aria-hidden>{a.direction === 'up' ? '▲' : '▼'}</span> {a.direction}
                      </span>
                    </span>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{f(a.value)}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums text-slate-600 dark:text-slate-400">
                    {f(a.expected)}
                    <div className="text-xs text-slate-500 dark:text-slate-400">
                      {f(a.lower)} – {f(a.upper)}
                    </div>
                  </td>
                  <td className="px-3 py-2">{a.status}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right">
                    {a.acknowledgedAt ? (
                      <span className="text-xs text-slate-500 dark:text-slate-400">
                        Acknowledged by {a.acknowledgedBy}
                        <br />
                        <time dateTime={a.acknowledgedAt}>
                          {formatBucket(new Date(a.acknowledgedAt), 'hour', timeZone)}
                        </time>
                      </span>
                    ) : canAcknowledge ? (
                      <Button
                        variant="secondary"
                        className="py-1"
                        disabled={pending}
                        aria-label={`Acknowledge the ${a.severity} anomaly of ${when}`}
                        onClick={() => ack(a)}
                      >
                        {busyId === a.id ? 'Acknowledging…' : 'Acknowledge'}
                      </Button>
                    ) : (
                      <span className="text-xs text-slate-500 dark:text-slate-400">Not acknowledged</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {shown.length === 0 ? (
          <p className="px-3 py-4 text-center text-sm text-slate-500 dark:text-slate-400">
            None in this group.
          </p>
        ) : null}
      </div>
      {inScope.length > COLLAPSED_ROWS ? (
        <Button variant="ghost" className="mt-2" onClick={() => setExpanded((e) => !e)}>
          {expanded ? 'Show fewer' : `Show all ${inScope.length}`}
        </Button>
      ) : null}
    </div>
  );
}
