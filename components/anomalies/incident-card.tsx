'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import type { Incident } from '@/lib/inbox/schemas';
import { formatValue } from '@/lib/series/format';
import { formatIncidentTime, formatMove, formatShare, segmentLabel, topSegments } from './anomaly-format';
import { AnomalyTable } from './anomaly-table';
import { DirectionLabel } from './direction-label';
import { SeverityBadge } from './severity-badge';
import { TriageControls, type TriageActions } from './triage-controls';

function acknowledgement(incident: Incident): string {
  const n = incident.anomalies.length;
  if (incident.acknowledged === 0) return 'Not acknowledged';
  const names = [...new Set(incident.anomalies.map((a) => a.acknowledgedBy).filter((x) => x !== null))];
  if (incident.acknowledged === n) return `Acknowledged by ${names.join(', ')}`;
  return `${incident.acknowledged} of ${n} acknowledged`;
}

/** The anomaly that stands for the incident in its summary line: the most severe, then the newest. */
function leadOf(incident: Incident) {
  const rank = { high: 3, medium: 2, low: 1 } as const;
  return [...incident.anomalies].sort((a, b) => rank[b.severity] - rank[a.severity])[0];
}

/**
 * One incident of the inbox: when, which metrics, how bad, which way, its state, and a summary of its worst
 * anomaly; expands to every anomaly in it. Editors triage the whole incident here, or each anomaly below.
 */
export function IncidentCard({
  incident,
  projectSlug,
  timeZone,
  actions,
}: {
  incident: Incident;
  projectSlug: string;
  timeZone: string;
  actions?: TriageActions;
}) {
  const headingId = useId();
  const tableId = useId();
  const [expanded, setExpanded] = useState(false);
  const n = incident.anomalies.length;
  const shown = formatIncidentTime(incident, timeZone);
  const lead = leadOf(incident);
  const firstOf = new Map<string, string>();
  for (const a of incident.anomalies) if (!firstOf.has(a.metricId)) firstOf.set(a.metricId, a.id);
  const segment = incident.anomalies.every((a) => a.dimension !== '') ? incident.anomalies[0] : undefined;
  const expectedNote = incident.anomalies.find((a) => a.expectedEvent)?.note;
  const single = n === 1;

  return (
    <article
      aria-labelledby={headingId}
      data-testid="incident"
      data-incident={incident.id}
      className="rounded-lg border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-950"
    >
      <div className="flex flex-wrap items-start justify-between gap-4 p-4">
        <div className="min-w-0 flex-1 space-y-1.5">
          <p className="text-xs font-medium text-slate-500 dark:text-slate-400">
            <time dateTime={incident.start}>{shown}</time>
            <span aria-hidden> · </span>
            {n} anomal{n === 1 ? 'y' : 'ies'}
            {incident.metrics.length > 1 ? ` on ${incident.metrics.length} metrics` : ''}
          </p>
          <h2 id={headingId} className="text-base font-semibold">
            {incident.metrics.map((m, i) => (
              <span key={m.id}>
                {i > 0 ? <span className="font-normal text-slate-500 dark:text-slate-400">, </span> : null}
                <Link
                  href={`/p/${projectSlug}/anomalies/${firstOf.get(m.id)}`}
                  className="hover:text-brand-700 hover:underline dark:hover:text-brand-100"
                >
                  {m.name}
                </Link>
              </span>
            ))}
            {segment ? (
              <span className="ml-1 font-normal text-slate-500 dark:text-slate-400">
                · {segment.dimension} = {segment.dimensionValue}
              </span>
            ) : null}
          </h2>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <SeverityBadge severity={incident.severity} />
            <DirectionLabel direction={incident.direction} />
            <Badge tone={incident.status === 'active' ? 'amber' : 'neutral'}>{incident.status}</Badge>
            {expectedNote !== undefined ? (
              <Badge tone="blue">Expected{expectedNote ? `: ${expectedNote}` : ''}</Badge>
            ) : null}
            <span className="text-xs text-slate-600 dark:text-slate-400">{acknowledgement(incident)}</span>
          </div>
          {lead ? (
            <p className="text-sm text-slate-700 dark:text-slate-300">
              <span className="font-medium">{lead.metricName}</span>{' '}
              <span className="tabular-nums">{formatValue(lead.value, lead)}</span>
              <span className="text-slate-500 dark:text-slate-400">
                {' '}
                against {formatValue(lead.expected, lead)} expected
                {formatMove(lead) ? ` (${formatMove(lead)})` : ''}
              </span>
              {topSegments(lead.explanation, 1).map((s) => (
                <span key={`${s.dimension}=${s.value}`} className="text-slate-500 dark:text-slate-400">
                  <span aria-hidden> · </span>
                  <span className="font-medium text-slate-700 dark:text-slate-300">
                    {segmentLabel(s, false)}
                  </span>{' '}
                  {formatShare(s, lead.direction)}
                </span>
              ))}
            </p>
          ) : null}
        </div>
        {actions ? (
          <TriageControls
            projectSlug={projectSlug}
            anomalyId={incident.id}
            incident={!single}
            subject={single ? `the anomaly of ${shown}` : `the incident of ${shown}`}
            canAcknowledge={incident.acknowledged < n}
            canMark={incident.expected < n}
            canUnmark={incident.expected > 0}
            actions={actions}
            className="items-end"
          />
        ) : null}
      </div>
      <div className="border-t border-slate-100 px-4 py-2 dark:border-slate-800">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={tableId}
          onClick={() => setExpanded((e) => !e)}
          className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-100"
        >
          {expanded ? 'Hide anomalies' : single ? 'Show the anomaly' : `Show all ${n} anomalies`}
        </button>
      </div>
      <div id={tableId} hidden={!expanded} className="border-t border-slate-100 dark:border-slate-800">
        {expanded ? (
          <AnomalyTable
            anomalies={incident.anomalies}
            projectSlug={projectSlug}
            timeZone={timeZone}
            actions={single ? undefined : actions}
            caption={`Anomalies of the incident of ${shown}`}
          />
        ) : null}
      </div>
    </article>
  );
}
