import clsx from 'clsx';
import type { MetricDirection } from '@/lib/metrics/schemas';
import { deltaTone, formatDeltaPct } from '@/lib/series/format';

const TONE_CLASS = {
  good: 'text-emerald-700 dark:text-emerald-400',
  bad: 'text-red-700 dark:text-red-400',
  neutral: 'text-slate-500 dark:text-slate-400',
} as const;

/**
 * A change in percent with an arrow, green when it is good news for the metric's direction and red when it
 * is bad; `against` names what it is compared with, for screen readers and the tooltip.
 */
export function ValueDelta({
  pct,
  direction,
  against,
  size = 'sm',
  className,
}: {
  pct: number | null;
  direction: MetricDirection;
  against: string;
  size?: 'sm' | 'lg';
  className?: string;
}) {
  const textSize = size === 'lg' ? 'text-lg' : 'text-xs';
  if (pct === null || !Number.isFinite(pct)) {
    return (
      <span
        className={clsx(textSize, 'text-slate-500 dark:text-slate-400', className)}
        title={`No change to show against ${against}`}
      >
        —<span className="sr-only"> no change to show against {against}</span>
      </span>
    );
  }
  const tone = deltaTone(pct, direction);
  const arrow = Math.abs(pct) < 0.05 ? '→' : pct > 0 ? '▲' : '▼';
  const words = Math.abs(pct) < 0.05 ? 'unchanged' : pct > 0 ? 'up' : 'down';
  const text = formatDeltaPct(pct);
  return (
    <span
      className={clsx(
        'inline-flex items-center gap-0.5 font-medium tabular-nums',
        textSize,
        TONE_CLASS[tone],
        className,
      )}
      title={`${text} against ${against}`}
    >
      <span aria-hidden>{arrow}</span>
      <span aria-hidden>{text.replace(/^[+-]/, '')}</span>
      <span className="sr-only">
        {words} {text.replace(/^[+-]/, '')} against {against}
        {tone === 'neutral' ? '' : `, ${tone === 'good' ? 'good' : 'bad'} for this metric`}
      </span>
    </span>
  );
}
