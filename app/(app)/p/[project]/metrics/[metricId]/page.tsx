import { AnnotationDraft } from '@/components/annotations/annotation-draft';
import { AnnotationPanel } from '@/components/annotations/annotation-panel';
import { AnomalyList } from '@/components/metrics/drilldown/anomaly-list';
import { HourHeatmap } from '@/components/metrics/drilldown/hour-heatmap';
import { EditMetricLink } from '@/components/metrics/edit-metric-link';
import { formatValue } from '@/lib/series/format';
import { hourWeekdayHeatmap } from '@/lib/series/heatmap';
import { MetricQueries } from '@/components/metrics/metric-queries';
import { BackfillPanel } from '@/components/runs/backfill-panel';
import { RunList } from '@/components/runs/run-list';
import { describeMetricQueries, listMetricRuns } from '@/lib/collection/service';
import { BreakdownPanel } from '@/components/metrics/drilldown/breakdown-panel';
import { MetricDefinition } from '@/components/metrics/drilldown/metric-definition';
import { MetricDrilldown } from '@/components/metrics/drilldown/metric-drilldown';
import { MetricHeader } from '@/components/metrics/drilldown/metric-header';
import { SeriesPanel } from '@/components/metrics/drilldown/series-panel';
import { buttonClassName } from '@/components/ui/button';
import { listAnnotations } from '@/lib/annotations/service';
import { can, hasRole } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { orNotFound } from '@/lib/pages';
import { parseSeriesSearchParams, toSeriesSearch } from '@/lib/series/search-params';
import {
  describeMetric,
  getMetricBreakdowns,
  getMetricSeries,
  listAnomaliesOfMetric,
} from '@/lib/series/service';
import {
  acknowledgeAnomalyAction,
  createAnnotationAction,
  deleteAnnotationAction,
  updateAnnotationAction,
} from './actions';

export const metadata = { title: 'Metric' };

export default async function MetricPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; metricId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { project, metricId } = await params;
  const ctx = await requirePageContext(project);
  const query = parseSeriesSearchParams(await searchParams);
  // Any of these answers "not found" for an id outside the project (or not an id at all): the page is a 404.
  const { metric, definition } = await orNotFound(describeMetric({ ctx, input: { metricId } }));
  const [series, breakdowns, anomalies, queries, runs] = await Promise.all([
    getMetricSeries({ ctx, input: { ...query, metricId } }),
    getMetricBreakdowns({ ctx, input: { ...query, metricId } }),
    listAnomaliesOfMetric({ ctx, input: { metricId } }),
    describeMetricQueries({ ctx, input: { metricId } }),
    listMetricRuns({ ctx, input: { metricId } }),
  ]);

  // The notes of the shown range, and any written since its last bucket began.
  const notesEnd = new Date(Math.max(Date.parse(series.range.end), ctx.now().getTime() + 60_000));
  const annotations = await listAnnotations({
    ctx,
    input: { metricId, start: series.range.start, end: notesEnd.toISOString() },
  });
  const canAnnotate = hasRole(ctx.role, 'editor');

  const base = `/p/${ctx.project.slug}/metrics/${metric.id}`;
  // Exports take the range as shown, never the overlays.
  const rangeQuery = { range: series.range.key, from: series.range.from, to: series.range.to };
  const exportHref = (breakdown?: string) => `${base}/export${toSeriesSearch({ ...rangeQuery, breakdown })}`;

  return (
    <AnnotationDraft timeZone={ctx.project.timeZone}>
      <MetricDrilldown
        header={
          <MetricHeader
            metric={metric}
            projectSlug={ctx.project.slug}
            timeZone={ctx.project.timeZone}
            actions={
              <>
                <EditMetricLink projectSlug={ctx.project.slug} metricId={metric.id} role={ctx.role} />
                <a href={exportHref()} className={buttonClassName('secondary')} download>
                  Download CSV
                </a>
              </>
            }
          />
        }
        series={<SeriesPanel view={series} canAnnotate={canAnnotate} />}
        heatmap={
          series.interval === 'hour' ? (
            <HourHeatmap
              heatmap={hourWeekdayHeatmap(series.points, series.timeZone)}
              format={(v) => formatValue(v, series)}
            />
          ) : null
        }
        annotations={
          <AnnotationPanel
            annotations={annotations}
            projectSlug={ctx.project.slug}
            metricId={metric.id}
            metricName={metric.name}
            timeZone={ctx.project.timeZone}
            defaultStart={series.points.at(-1)?.t ?? Date.parse(series.range.start)}
            canEdit={canAnnotate}
            create={createAnnotationAction}
            update={updateAnnotationAction}
            remove={deleteAnnotationAction}
          />
        }
        breakdowns={
          <BreakdownPanel
            view={breakdowns}
            topHref={(top) => `${base}${toSeriesSearch({ ...query, top })}`}
            exportHref={(dimension) => exportHref(dimension)}
          />
        }
        anomalies={
          <AnomalyList
            anomalies={anomalies}
            projectSlug={ctx.project.slug}
            interval={metric.interval}
            timeZone={ctx.project.timeZone}
            format={{ format: metric.format, unit: metric.unit }}
            canAcknowledge={can(ctx.role, 'acknowledgeAnomalies')}
            acknowledge={acknowledgeAnomalyAction}
          />
        }
        definition={<MetricDefinition definition={definition} projectSlug={ctx.project.slug} />}
        runningSql={<MetricQueries queries={queries} />}
        collectionHistory={
          <div className="space-y-6">
            {runs.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-400">
                No run has collected this metric yet.
              </p>
            ) : (
              <RunList runs={runs} projectSlug={ctx.project.slug} />
            )}
            {can(ctx.role, 'runCollection') && metric.lifecycle !== 'archived' ? (
              <BackfillPanel projectSlug={ctx.project.slug} metricId={metric.id} />
            ) : null}
          </div>
        }
      />
    </AnnotationDraft>
  );
}
