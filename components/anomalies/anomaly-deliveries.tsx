import { DELIVERY_STATUS_TONE, EVENT_LABEL, formatInstant } from '@/components/alerts/alert-format';
import { Badge } from '@/components/ui/badge';
import type { AnomalyDelivery } from '@/lib/inbox/schemas';

/** The notifications an anomaly set off, each with the "resolved" that followed it. */
export function AnomalyDeliveries({ deliveries }: { deliveries: readonly AnomalyDelivery[] }) {
  if (deliveries.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No alert rule sent a notification for this anomaly.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Alert deliveries</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              Rule
            </th>
            <th scope="col" className="px-3 py-2">
              Event
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Attempts
            </th>
            <th scope="col" className="px-3 py-2">
              Queued
            </th>
            <th scope="col" className="px-3 py-2">
              Delivered
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td className="px-3 py-2">{d.ruleName}</td>
              <td className="px-3 py-2">{EVENT_LABEL[d.event]}</td>
              <td className="px-3 py-2">
                <Badge tone={DELIVERY_STATUS_TONE[d.status]}>{d.status}</Badge>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{d.attempts}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <time dateTime={d.createdAt}>{formatInstant(d.createdAt)}</time>
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatInstant(d.deliveredAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
