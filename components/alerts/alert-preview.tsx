import { Alert } from '@/components/ui/alert';
import type { AlertPreviewDto } from '@/lib/alerts/schemas';

export type AlertPreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; data: AlertPreviewDto }
  | { status: 'error'; message: string };

const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;

/** How often the rule in the form would have fired, replayed over the stored history. */
export function AlertPreview({ state }: { state: AlertPreviewState }) {
  if (state.status === 'idle') return null;
  if (state.status === 'loading') {
    return (
      <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
        Replaying the last 30 days…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <Alert tone="error" title="No preview">
        {state.message}
      </Alert>
    );
  }
  const { data } = state;
  const cut = data.metricsReplayed < data.metricsInScope ? ` (the first ${data.metricsReplayed})` : '';
  return (
    <Alert
      tone={data.total === 0 ? 'info' : 'warning'}
      title={`In the last ${data.days} days this rule would have fired ${times(data.total)}`}
    >
      <p>
        Replayed over {data.metricsInScope} metric{data.metricsInScope === 1 ? '' : 's'} in scope{cut},
        ignoring snoozes and mute windows.
      </p>
      {data.perMetric.length > 0 ? (
        <ul className="mt-2 list-disc pl-5" aria-label="Firings per metric">
          {data.perMetric.slice(0, 10).map((m) => (
            <li key={m.metricId}>
              {m.metricName}: {times(m.firings)}
            </li>
          ))}
          {data.perMetric.length > 10 ? <li>…and {data.perMetric.length - 10} more metrics</li> : null}
        </ul>
      ) : null}
    </Alert>
  );
}
