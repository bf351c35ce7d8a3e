import type { ExplainingSegment } from '@/lib/inbox/schemas';
import { formatShare, topSegments } from './anomaly-format';

/** The two segments that explain most of a move, on one line: "web · 47% of the drop". */
export function SegmentSummary({
  explanation,
  direction,
}: {
  explanation: readonly ExplainingSegment[];
  direction: 'up' | 'down';
}) {
  const top = topSegments(explanation, 2);
  if (top.length === 0) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  return (
    <ul className="space-y-0.5" aria-label="Segments that explain it">
      {top.map((s) => (
        <li key={`${s.dimension}=${s.value}`} className="whitespace-nowrap text-xs">
          <span
            className="font-medium text-slate-800 dark:text-slate-200"
            title={`${s.dimension} = ${s.value}`}
          >
            {s.value}
          </span>{' '}
          <span className="text-slate-500 dark:text-slate-400">{formatShare(s, direction)}</span>
        </li>
      ))}
    </ul>
  );
}
