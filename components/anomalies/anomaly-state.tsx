import type { ReactNode } from 'react';
import { formatInstant } from '@/components/alerts/alert-format';
import { Badge } from '@/components/ui/badge';
import type { InboxAnomaly } from '@/lib/inbox/schemas';
import { formatValue } from '@/lib/series/format';
import { formatMove } from './anomaly-format';
import { DirectionLabel } from './direction-label';
import { SeverityBadge } from './severity-badge';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1.5">
      <dt className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="text-right text-sm">{children}</dd>
    </div>
  );
}

/** What the detector recorded for the anomaly and what people have done about it; `controls` for editors. */
export function AnomalyState({ anomaly, controls }: { anomaly: InboxAnomaly; controls?: ReactNode }) {
  const f = (v: number | null) => formatValue(v, anomaly);
  const move = formatMove(anomaly);
  return (
    <section
      aria-labelledby="anomaly-state-heading"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="anomaly-state-heading" className="text-base font-semibold">
        State
      </h2>
      <dl className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
        <Fact label="Severity">
          <span className="inline-flex items-center gap-2">
            <SeverityBadge severity={anomaly.severity} />
            <span className="text-xs text-slate-500 dark:text-slate-400 tabular-nums">
              score {anomaly.score.toFixed(2)}
            </span>
          </span>
        </Fact>
        <Fact label="Direction">
          <DirectionLabel direction={anomaly.direction} />
        </Fact>
        <Fact label="Value">
          <span className="font-semibold tabular-nums">{f(anomaly.value)}</span>
          {move ? <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">({move})</span> : null}
        </Fact>
        <Fact label="Expected">
          <span className="tabular-nums">{f(anomaly.expected)}</span>
          <span className="block text-xs text-slate-500 dark:text-slate-400 tabular-nums">
            band {f(anomaly.lower)} – {f(anomaly.upper)}
          </span>
        </Fact>
        <Fact label="Status">
          <Badge tone={anomaly.status === 'active' ? 'amber' : 'neutral'}>{anomaly.status}</Badge>
        </Fact>
        <Fact label="Acknowledged">
          {anomaly.acknowledgedAt ? (
            <>
              {anomaly.acknowledgedBy}
              <span className="block text-xs text-slate-500 dark:text-slate-400">
                {formatInstant(anomaly.acknowledgedAt)}
              </span>
            </>
          ) : (
            <span className="text-slate-500 dark:text-slate-400">Not yet</span>
          )}
        </Fact>
        <Fact label="Expected event">
          {anomaly.expectedEvent ? (
            <>
              <Badge tone="blue">expected</Badge>
              {anomaly.note ? (
                <span className="mt-1 block max-w-56 text-xs text-slate-600 dark:text-slate-400">
                  {anomaly.note}
                </span>
              ) : null}
            </>
          ) : (
            <span className="text-slate-500 dark:text-slate-400">No</span>
          )}
        </Fact>
      </dl>
      {controls ? (
        <div className="mt-4 space-y-3 border-t border-slate-100 pt-4 dark:border-slate-800">{controls}</div>
      ) : null}
    </section>
  );
}
