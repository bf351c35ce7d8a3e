import Link from 'next/link';
import type { ReactNode } from 'react';
import { AnomalyChart } from '@/components/anomalies/anomaly-chart';
import { AnomalyDeliveries } from '@/components/anomalies/anomaly-deliveries';
import {
  directionWord,
  formatAnomalyBucket,
  formatIncidentTime,
} from '@/components/anomalies/anomaly-format';
import { AnomalyState } from '@/components/anomalies/anomaly-state';
import { AnomalyTable } from '@/components/anomalies/anomaly-table';
import { SegmentBars } from '@/components/anomalies/segment-bars';
import { TriageControls } from '@/components/anomalies/triage-controls';
import { buttonClassName } from '@/components/ui/button';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { getAnomalyDetail } from '@/lib/inbox/service';
import { orNotFound } from '@/lib/pages';
import { formatValue } from '@/lib/series/format';
import { acknowledgeAnomaliesAction, markExpectedAction, unmarkExpectedAction } from '../actions';

export const metadata = { title: 'Anomaly' };

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function AnomalyPage({
  params,
}: {
  params: Promise<{ project: string; anomalyId: string }>;
}) {
  const { project, anomalyId } = await params;
  const ctx = await requirePageContext(project);
  // An id of another project, or no id at all, is a 404 like a missing one.
  const { anomaly, incident, series, deliveries } = await orNotFound(
    getAnomalyDetail({ ctx, input: { anomalyId } }),
  );
  const zone = ctx.project.timeZone;
  const slug = ctx.project.slug;
  const when = formatAnomalyBucket(anomaly, zone);
  const span = formatIncidentTime(incident, zone);
  const others = incident.anomalies.length - 1;
  const actions = can(ctx.role, 'acknowledgeAnomalies')
    ? {
        acknowledge: acknowledgeAnomaliesAction,
        markExpected: markExpectedAction,
        unmarkExpected: unmarkExpectedAction,
      }
    : undefined;
  const n = incident.anomalies.length;

  return (
    <div className="space-y-8">
      <header>
        <nav aria-label="Breadcrumb" className="mb-2 text-sm">
          <Link
            href={`/p/${slug}/anomalies`}
            className="text-slate-500 dark:text-slate-400 hover:text-slate-800 hover:underline"
          >
            ← Anomalies
          </Link>
        </nav>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">
              {anomaly.metricName}
              {anomaly.dimension ? (
                <span className="font-normal text-slate-500 dark:text-slate-400">
                  {' '}
                  · {anomaly.dimension} = {anomaly.dimensionValue}
                </span>
              ) : null}
            </h1>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              A {anomaly.severity} {directionWord(anomaly.direction)} at{' '}
              <time dateTime={anomaly.bucketStart}>{when}</time> ({zone}):{' '}
              {formatValue(anomaly.value, anomaly)} against {formatValue(anomaly.expected, anomaly)} expected.
            </p>
          </div>
          <Link href={`/p/${slug}/metrics/${anomaly.metricId}`} className={buttonClassName('secondary')}>
            Open the metric
          </Link>
        </div>
      </header>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <AnomalyChart view={series} anomaly={anomaly} />
        <AnomalyState
          anomaly={anomaly}
          controls={
            actions ? (
              <>
                <TriageControls
                  projectSlug={slug}
                  anomalyId={anomaly.id}
                  incident={false}
                  subject="this anomaly"
                  canAcknowledge={!anomaly.acknowledgedAt}
                  canMark={!anomaly.expectedEvent}
                  canUnmark={anomaly.expectedEvent}
                  actions={actions}
                />
                {others > 0 ? (
                  <div>
                    <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
                      The whole incident ({n} anomalies):
                    </p>
                    <TriageControls
                      projectSlug={slug}
                      anomalyId={anomaly.id}
                      incident
                      subject={`the incident of ${span}`}
                      canAcknowledge={incident.acknowledged < n}
                      canMark={incident.expected < n}
                      canUnmark={incident.expected > 0}
                      actions={actions}
                    />
                  </div>
                ) : null}
              </>
            ) : undefined
          }
        />
      </div>

      <Section id="segments-heading" title="What explains it">
        {anomaly.explanation.length > 0 ? (
          <SegmentBars explanation={anomaly.explanation} direction={anomaly.direction} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {anomaly.dimension
              ? 'This anomaly is on a single breakdown value already.'
              : 'No breakdown of this metric explains the move: it has no breakdown dimensions, or no value of them was collected for this bucket.'}
          </p>
        )}
      </Section>

      <Section id="incident-heading" title={others > 0 ? `Its incident: ${span}` : 'Its incident'}>
        {others > 0 ? (
          <div className="rounded-lg border border-slate-200 dark:border-slate-800">
            <AnomalyTable
              anomalies={incident.anomalies}
              projectSlug={slug}
              timeZone={zone}
              currentId={anomaly.id}
              caption="Anomalies of the same incident"
            />
          </div>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No other anomaly overlaps it on a metric reading the same fact table.
          </p>
        )}
      </Section>

      <Section id="deliveries-heading" title="Alert deliveries">
        <AnomalyDeliveries deliveries={deliveries} />
      </Section>
    </div>
  );
}
