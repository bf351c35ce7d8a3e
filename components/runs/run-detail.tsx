'use client';

import { useQuery } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import type { RunDto } from '@/lib/collection/service';
import { formatDuration, formatInstant, isActive, STATUS_TONE, TRIGGER_LABEL } from './run-format';

async function fetchRun(url: string): Promise<RunDto> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The run could not be read (${response.status}).`);
  return (await response.json()) as RunDto;
}

/** A run with live progress: polled every second while it is pending or running. */
export function RunDetail({ initial, projectSlug }: { initial: RunDto; projectSlug: string }) {
  const { data: run = initial, error } = useQuery({
    queryKey: ['run', initial.id],
    queryFn: () => fetchRun(`/p/${projectSlug}/runs/${initial.id}/status`),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? 1000 : false),
  });
  const percent = run.progressTotal > 0 ? Math.round((run.progressDone / run.progressTotal) * 100) : 0;
  const failed = run.details.filter((d) => d.status === 'failed');

  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
        <Fact label="Status">
          <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
        </Fact>
        <Fact label="Trigger">{TRIGGER_LABEL[run.trigger]}</Fact>
        <Fact label="Started (UTC)">{formatInstant(run.startedAt ?? run.createdAt)}</Fact>
        <Fact label="Duration">{formatDuration(run.durationMs)}</Fact>
        <Fact label="Window (UTC)">
          {run.windowStart ? `${formatInstant(run.windowStart)} → ${formatInstant(run.windowEnd)}` : '—'}
        </Fact>
        <Fact label="Metrics">
          {run.metricsAttempted} attempted · {run.metricsFailed} failed
        </Fact>
        <Fact label="Values written">{run.valuesWritten.toLocaleString('en-US')}</Fact>
      </dl>

      {isActive(run.status) ? (
        <div>
          <div className="mb-1 flex justify-between text-sm">
            <span>{run.status === 'pending' ? 'Waiting for a worker…' : 'Collecting…'}</span>
            <span className="tabular-nums">
              {run.progressDone} / {run.progressTotal || '…'} queries
            </span>
          </div>
          <div
            role="progressbar"
            aria-label="Run progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            <div className="h-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
          </div>
        </div>
      ) : null}

      {error ? (
        <Alert tone="warning">{error.message} The page stops updating; reload to try again.</Alert>
      ) : null}
      {run.error ? (
        <Alert tone={run.status === 'failed' ? 'error' : 'warning'} title="Outcome">
          {run.error}
        </Alert>
      ) : null}

      {run.details.length > 0 ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Per-metric outcome</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400 dark:bg-slate-900">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Metric
                </th>
                <th scope="col" className="px-3 py-2">
                  Outcome
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Values
                </th>
                <th scope="col" className="px-3 py-2">
                  Buckets rebuilt (UTC)
                </th>
                <th scope="col" className="px-3 py-2">
                  Error
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {[...failed, ...run.details.filter((d) => d.status !== 'failed')].map((detail) => (
                <tr key={detail.metricId}>
                  <td className="px-3 py-2">
                    <a
                      href={`/p/${projectSlug}/metrics/${detail.metricId}`}
                      className="font-medium text-brand-700 hover:underline dark:text-brand-100"
                    >
                      {detail.name}
                    </a>
                  </td>
                  <td className="px-3 py-2">
                    <Badge
                      tone={detail.status === 'failed' ? 'red' : detail.status === 'ok' ? 'green' : 'neutral'}
                    >
                      {detail.status}
                    </Badge>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {detail.valuesWritten.toLocaleString('en-US')}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600 dark:text-slate-400">
                    {detail.windowStart
                      ? `${formatInstant(detail.windowStart)} → ${formatInstant(detail.windowEnd ?? null)}`
                      : '—'}
                  </td>
                  <td className="px-3 py-2 text-red-800 dark:text-red-300">{detail.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1">{children}</dd>
    </div>
  );
}
