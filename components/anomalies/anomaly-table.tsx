import clsx from 'clsx';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { InboxAnomaly } from '@/lib/inbox/schemas';
import { formatValue } from '@/lib/series/format';
import { formatAnomalyBucket, formatMove } from './anomaly-format';
import { DirectionLabel } from './direction-label';
import { SegmentSummary } from './segment-summary';
import { SeverityBadge } from './severity-badge';
import { TriageControls, type TriageActions } from './triage-controls';

/**
 * Anomalies as table rows: metric and segment (linking to the anomaly page), bucket, value against the
 * expectation and its band, severity, what explains it, status and acknowledgement. With `actions`, editors
 * triage each row.
 */
export function AnomalyTable({
  anomalies,
  projectSlug,
  timeZone,
  currentId,
  actions,
  caption,
}: {
  anomalies: readonly InboxAnomaly[];
  projectSlug: string;
  timeZone: string;
  /** The anomaly the page is about: marked, not linked. */
  currentId?: string;
  /** Given to editors only. */
  actions?: TriageActions;
  caption: string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              Metric
            </th>
            <th scope="col" className="px-3 py-2">
              Bucket
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Value
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Expected
            </th>
            <th scope="col" className="px-3 py-2">
              Severity
            </th>
            <th scope="col" className="px-3 py-2">
              Explained by
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2">
              Acknowledged
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {anomalies.map((a) => {
            const f = (v: number | null) => formatValue(v, a);
            const when = formatAnomalyBucket(a, timeZone);
            const current = a.id === currentId;
            const move = formatMove(a);
            const name = (
              <>
                {a.metricName}
                {a.dimension ? (
                  <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">
                    {a.dimension} = {a.dimensionValue}
                  </span>
                ) : null}
              </>
            );
            return (
              <tr key={a.id} className={clsx(current && 'bg-brand-50/60 dark:bg-brand-700/10')}>
                <td className="px-3 py-2 align-top font-medium">
                  {current ? (
                    <span aria-current="page">{name}</span>
                  ) : (
                    <Link
                      href={`/p/${projectSlug}/anomalies/${a.id}`}
                      className="text-brand-700 hover:underline dark:text-brand-100"
                    >
                      {name}
                    </Link>
                  )}
                </td>
                <td className="whitespace-nowrap px-3 py-2 align-top">
                  <time dateTime={a.bucketStart}>{when}</time>
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
                  {f(a.value)}
                  {move ? (
                    <span className="block text-xs text-slate-500 dark:text-slate-400">{move}</span>
                  ) : null}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums text-slate-600 dark:text-slate-400">
                  {f(a.expected)}
                  <span className="block text-xs text-slate-500 dark:text-slate-400">
                    {f(a.lower)} – {f(a.upper)}
                  </span>
                </td>
                <td className="px-3 py-2 align-top">
                  <span className="flex flex-col items-start gap-1">
                    <SeverityBadge severity={a.severity} />
                    <DirectionLabel direction={a.direction} />
                  </span>
                </td>
                <td className="px-3 py-2 align-top">
                  <SegmentSummary explanation={a.explanation} direction={a.direction} />
                </td>
                <td className="px-3 py-2 align-top">
                  <span className="flex flex-col items-start gap-1">
                    <Badge tone={a.status === 'active' ? 'amber' : 'neutral'}>{a.status}</Badge>
                    {a.expectedEvent ? (
                      <span title={a.note ?? undefined}>
                        <Badge tone="blue">expected</Badge>
                      </span>
                    ) : null}
                  </span>
                </td>
                <td className="px-3 py-2 align-top">
                  {a.acknowledgedAt ? (
                    <span className="text-xs text-slate-600 dark:text-slate-400">{a.acknowledgedBy}</span>
                  ) : actions ? null : (
                    <span className="text-xs text-slate-500 dark:text-slate-400">Not yet</span>
                  )}
                  {actions ? (
                    <TriageControls
                      projectSlug={projectSlug}
                      anomalyId={a.id}
                      incident={false}
                      subject={`the anomaly of ${a.metricName}${a.dimension ? ` ${a.dimension} = ${a.dimensionValue}` : ''} at ${when}`}
                      canAcknowledge={!a.acknowledgedAt}
                      canMark={!a.expectedEvent}
                      canUnmark={a.expectedEvent}
                      actions={actions}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
