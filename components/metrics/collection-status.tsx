import { Badge } from '@/components/ui/badge';
import { formatAge, STALE_AFTER_INTERVALS } from '@/lib/metrics/catalog-view';
import type { MetricInterval } from '@/lib/metrics/schemas';

/**
 * The last collection's outcome: a failure shows its error on hover and reads it out to screen readers;
 * otherwise when the metric last collected successfully. A stale metric says so in words, with how long ago
 * it last collected, judged at `now` (the server's time, so the page and its hydration agree).
 */
export function CollectionStatus({
  status,
  error,
  lastSuccessAt,
  timeZone,
  stale,
}: {
  status: 'ok' | 'failed' | null;
  error: string | null;
  lastSuccessAt: string | null;
  timeZone: string;
  stale?: { interval: MetricInterval; now: string };
}) {
  const staleMark = stale ? <StaleMark lastSuccessAt={lastSuccessAt} {...stale} /> : null;
  if (status === 'failed') {
    const message = error ?? 'No error message was recorded.';
    return (
      <span className="inline-flex flex-col items-start gap-1">
        <span title={message} className="inline-flex cursor-help">
          <Badge tone="red">failed</Badge>
          <span className="sr-only">: {message}</span>
        </span>
        {staleMark}
      </span>
    );
  }
  if (staleMark) return staleMark;
  if (!lastSuccessAt) {
    return <span className="whitespace-nowrap text-slate-600 dark:text-slate-400">not collected yet</span>;
  }
  const at = new Date(lastSuccessAt);
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span aria-hidden className="size-1.5 rounded-full bg-emerald-500" />
      <time dateTime={lastSuccessAt} title={`Last collected ${at.toISOString()}`}>
        {formatCollectedAt(at, timeZone)}
      </time>
    </span>
  );
}

function formatCollectedAt(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

function StaleMark({
  lastSuccessAt,
  interval,
  now,
}: {
  lastSuccessAt: string | null;
  interval: MetricInterval;
  now: string;
}) {
  const age = lastSuccessAt ? `last collected ${formatAge(lastSuccessAt, new Date(now))}` : 'never collected';
  const why = `No successful collection for more than ${STALE_AFTER_INTERVALS} ${interval}s; this metric is collected every ${interval}.${
    lastSuccessAt ? ` Last success: ${new Date(lastSuccessAt).toISOString()}.` : ''
  }`;
  return (
    <span
      className="inline-flex cursor-help items-center gap-1.5 whitespace-nowrap text-xs"
      title={why}
      data-testid="stale-mark"
    >
      <Badge tone="amber">stale</Badge>
      <span className="text-slate-700 dark:text-slate-300">
        <span aria-hidden>· </span>
        {age}
      </span>
      <span className="sr-only">. {why}</span>
    </span>
  );
}
