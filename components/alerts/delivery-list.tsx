import { Badge } from '@/components/ui/badge';
import type { AlertDeliveryDto } from '@/lib/alerts/schemas';
import { DELIVERY_STATUS_TONE, EVENT_LABEL, formatInstant } from './alert-format';

function outcome(d: AlertDeliveryDto): string {
  if (d.status === 'pending')
    return d.lastError ? `${d.lastError} Next try ${formatInstant(d.nextAttemptAt)}.` : 'Queued';
  if (d.status === 'failed') return d.lastError ?? 'Failed';
  return d.lastStatusCode === null ? 'Delivered' : `Delivered (${d.lastStatusCode})`;
}

/** The latest deliveries with their status and attempts; errors name the host, never the URL. */
export function DeliveryList({ deliveries }: { deliveries: AlertDeliveryDto[] }) {
  if (deliveries.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing sent yet.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Recent deliveries</caption>
        <thead className="bg-slate-50 text-xs text-slate-600 uppercase dark:bg-slate-900 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2">
              Created
            </th>
            <th scope="col" className="px-3 py-2">
              Rule
            </th>
            <th scope="col" className="px-3 py-2">
              Event
            </th>
            <th scope="col" className="px-3 py-2">
              Metrics
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2">
              Attempts
            </th>
            <th scope="col" className="px-3 py-2">
              Outcome
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td className="px-3 py-2 whitespace-nowrap">
                <time dateTime={d.createdAt}>{formatInstant(d.createdAt)}</time>
              </td>
              <td className="px-3 py-2">{d.ruleName}</td>
              <td className="px-3 py-2">{EVENT_LABEL[d.event]}</td>
              <td className="px-3 py-2">{d.metricNames.join(', ') || '—'}</td>
              <td className="px-3 py-2">
                <Badge tone={DELIVERY_STATUS_TONE[d.status]}>{d.status}</Badge>
              </td>
              <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
              <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{outcome(d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
