import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { RunDto } from '@/lib/collection/service';
import { formatDuration, formatInstant, STATUS_TONE, TRIGGER_LABEL } from './run-format';

export function RunList({ runs, projectSlug }: { runs: RunDto[]; projectSlug: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              Started (UTC)
            </th>
            <th scope="col" className="px-3 py-2">
              Trigger
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Metrics
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Failed
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Values
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Duration
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {runs.map((run) => (
            <tr key={run.id} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
              <td className="whitespace-nowrap px-3 py-2">
                <Link
                  href={`/p/${projectSlug}/runs/${run.id}`}
                  className="font-medium text-brand-700 hover:underline dark:text-brand-100"
                >
                  {formatInstant(run.startedAt ?? run.createdAt)}
                </Link>
              </td>
              <td className="px-3 py-2">{TRIGGER_LABEL[run.trigger]}</td>
              <td className="px-3 py-2">
                <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
                {run.status === 'running' && run.progressTotal > 0 ? (
                  <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">
                    {Math.round((run.progressDone / run.progressTotal) * 100)}%
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{run.metricsAttempted}</td>
              <td className="px-3 py-2 text-right tabular-nums">
                {run.metricsFailed > 0 ? (
                  <span className="font-medium text-red-700 dark:text-red-300">{run.metricsFailed}</span>
                ) : (
                  0
                )}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">
                {run.valuesWritten.toLocaleString('en-US')}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatDuration(run.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
