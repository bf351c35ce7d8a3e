import type { ExplainingSegment } from '@/lib/inbox/schemas';
import { directionWord, formatShare } from './anomaly-format';

/**
 * The segments that explain a whole-metric move, per dimension, as bars of their share of it. A share can pass
 * 100 % when other segments moved the other way, so bars are scaled to the largest share shown.
 */
export function SegmentBars({
  explanation,
  direction,
}: {
  explanation: readonly ExplainingSegment[];
  direction: 'up' | 'down';
}) {
  const byDimension = new Map<string, ExplainingSegment[]>();
  for (const s of explanation) byDimension.set(s.dimension, [...(byDimension.get(s.dimension) ?? []), s]);
  const scale = Math.max(1, ...explanation.map((s) => Math.abs(s.contribution)));
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      {[...byDimension].map(([dimension, segments]) => (
        <figure key={dimension}>
          <figcaption className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
            By {dimension}
          </figcaption>
          <ul className="space-y-2" aria-label={`Share of the ${directionWord(direction)} by ${dimension}`}>
            {segments.map((s) => {
              const width = `${Math.min(100, (Math.abs(s.contribution) / scale) * 100)}%`;
              return (
                <li key={s.value} className="grid grid-cols-[7rem_1fr] items-center gap-3 text-sm">
                  <span className="truncate font-medium" title={s.value}>
                    {s.value}
                  </span>
                  <span className="flex items-center gap-2">
                    <span className="h-2.5 flex-1 rounded-full bg-slate-100 dark:bg-slate-800">
                      <span
                        aria-hidden
                        className={
                          s.contribution >= 0
                            ? 'block h-full rounded-full bg-brand-600'
                            : 'block h-full rounded-full bg-slate-400'
                        }
                        style={{ width }}
                      />
                    </span>
                    <span className="w-44 shrink-0 text-xs tabular-nums text-slate-600 dark:text-slate-400">
                      {formatShare(s, direction)}
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
        </figure>
      ))}
    </div>
  );
}
