import { MetricForm } from '@/components/metrics/metric-form';
import { newMetricValues } from '@/components/metrics/form-values';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { actorUserId } from '@/lib/context';
import { createMetricAction, previewMetricSeriesAction } from '../actions';
import { loadMetricFormOptions } from '../form-options';

export const metadata = { title: 'New metric' };

export default async function NewMetricPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  if (!can(ctx.role, 'defineMetrics')) {
    return (
      <EmptyState title="Defining metrics needs the editor role">
        <p>You can read the metrics of {ctx.project.name}; ask an admin for the editor role to add one.</p>
      </EmptyState>
    );
  }
  const options = await loadMetricFormOptions(ctx);
  const me = actorUserId(ctx.actor);
  return (
    <>
      <PageHeader
        title="New metric"
        description="Define it once on a fact table, a SELECT of your own or other metrics; preview the series before saving."
      />
      {options.factTables.length === 0 && options.dataSources.length === 0 ? (
        <EmptyState title="Nothing to read from yet">
          <p>An admin connects a data source and an editor describes a fact table first.</p>
        </EmptyState>
      ) : (
        <MetricForm
          projectSlug={ctx.project.slug}
          timeZone={ctx.project.timeZone}
          options={options}
          defaultValues={newMetricValues({
            options,
            ownerId: options.members.some((m) => m.id === me) ? me : null,
          })}
          actions={{ preview: previewMetricSeriesAction, create: createMetricAction }}
        />
      )}
    </>
  );
}
