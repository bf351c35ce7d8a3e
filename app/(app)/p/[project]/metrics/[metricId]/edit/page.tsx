import Link from 'next/link';
import { toFormValues } from '@/components/metrics/form-values';
import { MetricForm } from '@/components/metrics/metric-form';
import { MetricVersions } from '@/components/metrics/metric-versions';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { getMetric, listMetricVersions } from '@/lib/metrics/service';
import { orNotFound } from '@/lib/pages';
import { startBackfillAction } from '../../../runs/actions';
import { deleteMetricAction, previewMetricSeriesAction, updateMetricAction } from '../../actions';
import { loadMetricFormOptions } from '../../form-options';

export const metadata = { title: 'Edit metric' };

export default async function EditMetricPage({
  params,
}: {
  params: Promise<{ project: string; metricId: string }>;
}) {
  const { project, metricId } = await params;
  const ctx = await requirePageContext(project);
  const metric = await orNotFound(getMetric({ ctx, input: { metricId } }));
  const metricPath = `/p/${ctx.project.slug}/metrics/${metric.id}`;
  const editor = can(ctx.role, 'defineMetrics');
  const [versions, options] = await Promise.all([
    listMetricVersions({ ctx, input: { metricId } }),
    editor ? loadMetricFormOptions(ctx, { exceptMetricId: metric.id }) : null,
  ]);
  const names = new Map<string, string>([
    [metric.id, metric.name],
    ...(options
      ? [
          ...options.factTables.flatMap((t) => [
            [t.id, t.name] as const,
            ...t.rowFilters.map((f) => [f.id, f.name] as const),
          ]),
          ...options.dataSources.map((s) => [s.id, s.name] as const),
          ...options.metrics.map((m) => [m.id, m.name] as const),
          ...options.members.map((m) => [m.id, m.name] as const),
        ]
      : []),
  ]);

  return (
    <>
      <PageHeader
        title={`Edit ${metric.name}`}
        description={`Version ${metric.version}. Saving records a new version with what changed.`}
        actions={
          <Link
            href={metricPath}
            className="text-sm font-medium text-brand-600 dark:text-brand-100 hover:underline"
          >
            Back to the metric
          </Link>
        }
      />
      {options ? (
        <MetricForm
          projectSlug={ctx.project.slug}
          timeZone={ctx.project.timeZone}
          options={options}
          defaultValues={toFormValues(metric)}
          metric={{ id: metric.id, name: metric.name, version: metric.version }}
          actions={{
            preview: previewMetricSeriesAction,
            update: updateMetricAction,
            remove: deleteMetricAction,
            backfill: startBackfillAction,
          }}
        />
      ) : (
        <EmptyState title="Editing metrics needs the editor role">
          <p>You can read {metric.name} and its history; ask an admin for the editor role to change it.</p>
        </EmptyState>
      )}
      <section aria-labelledby="metric-versions" className="mt-12 max-w-5xl space-y-3">
        <h2 id="metric-versions" className="text-base font-semibold">
          Versions
        </h2>
        <MetricVersions versions={versions} names={names} timeZone={ctx.project.timeZone} />
      </section>
    </>
  );
}
