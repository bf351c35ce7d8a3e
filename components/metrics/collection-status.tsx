import { Badge } from '@/components/ui/badge';

/**
 * The last collection's outcome: a failure shows its error on hover and reads it out to screen readers;
 * otherwise when the metric last collected successfully.
 */
export function CollectionStatus({
  status,
  error,
  lastSuccessAt,
  timeZone,
}: {
  status: 'ok' | 'failed' | null;
  error: string | null;
  lastSuccessAt: string | null;
  timeZone: string;
}) {
  if (status === 'failed') {
    const message = error ?? 'No error message was recorded.';
    return (
      <span title={message} className="inline-flex cursor-help">
        <Badge tone="red">failed</Badge>
        <span className="sr-only">: {message}</span>
      </span>
    );
  }
  if (!lastSuccessAt) return <span className="whitespace-nowrap text-slate-500">not collected yet</span>;
  const at = new Date(lastSuccessAt);
  const text = new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span aria-hidden className="size-1.5 rounded-full bg-emerald-500" />
      <time dateTime={lastSuccessAt} title={`Last collected ${at.toISOString()}`}>
        {text}
      </time>
    </span>
  );
}
