import { AlertsView } from '@/components/alerts/alerts-view';
import { DeliveryList } from '@/components/alerts/delivery-list';
import { PageHeader } from '@/components/ui/page-header';
import { listAlertDeliveries, listAlertRules } from '@/lib/alerts/service';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { listCatalog } from '@/lib/metrics/service';
import {
  createAlertRuleAction,
  deleteAlertRuleAction,
  previewAlertRuleAction,
  sendTestAlertAction,
  snoozeAlertRuleAction,
  unsnoozeAlertRuleAction,
  updateAlertRuleAction,
} from './actions';

export const metadata = { title: 'Alert rules' };

export default async function AlertsPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const [rules, deliveries, catalog] = [
    await listAlertRules({ ctx }),
    await listAlertDeliveries({ ctx }),
    await listCatalog({ ctx, input: {} }),
  ];
  const metrics = catalog
    .filter((m) => m.lifecycle !== 'archived')
    .map((m) => ({ id: m.id, name: m.name, tags: m.tags }));
  return (
    <>
      <PageHeader
        title="Alert rules"
        description="Who hears about which anomalies, and how. Each incident is sent once when it fires and once when it resolves."
      />
      <div className="space-y-10">
        <AlertsView
          projectSlug={ctx.project.slug}
          rules={rules}
          metrics={metrics}
          canEdit={can(ctx.role, 'manageAlerts')}
          now={ctx.now().toISOString()}
          actions={{
            create: createAlertRuleAction,
            update: updateAlertRuleAction,
            remove: deleteAlertRuleAction,
            snooze: snoozeAlertRuleAction,
            unsnooze: unsnoozeAlertRuleAction,
            test: sendTestAlertAction,
            preview: previewAlertRuleAction,
          }}
        />
        <section aria-labelledby="recent-deliveries" className="space-y-3">
          <h2 id="recent-deliveries" className="text-base font-semibold">
            Recent deliveries
          </h2>
          <DeliveryList deliveries={deliveries} />
        </section>
      </div>
    </>
  );
}
