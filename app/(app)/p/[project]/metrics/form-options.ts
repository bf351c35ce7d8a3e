import 'server-only';
import type { MetricFormOptions } from '@/components/metrics/form-values';
import type { ServiceContext } from '@/lib/context';
import { listFactTables } from '@/lib/fact-tables/service';
import { listCatalog } from '@/lib/metrics/service';
import { listMembers } from '@/lib/projects/service';
import { listDataSources } from '@/lib/sources/service';

/** Everything the metric form's pickers offer, read once on the server. */
export async function loadMetricFormOptions(
  ctx: ServiceContext,
  { exceptMetricId }: { exceptMetricId?: string } = {},
): Promise<MetricFormOptions> {
  const [factTables, dataSources, metrics, members] = await Promise.all([
    listFactTables({ ctx }),
    listDataSources({ ctx }),
    listCatalog({ ctx, input: {} }),
    listMembers({ ctx }),
  ]);
  return {
    factTables: factTables.map((t) => ({
      id: t.id,
      name: t.name,
      dataSourceId: t.dataSourceId,
      columns: t.columns.map(({ name, type, nativeType }) => ({ name, type, nativeType })),
      rowFilters: t.rowFilters.map(({ id, name, expression }) => ({ id, name, expression })),
    })),
    dataSources: dataSources.map(({ id, name }) => ({ id, name })),
    metrics: metrics
      .filter((m) => m.id !== exceptMetricId)
      .map(({ id, name, interval, lifecycle }) => ({ id, name, interval, lifecycle })),
    members: members.map(({ id, name }) => ({ id, name })),
  };
}
