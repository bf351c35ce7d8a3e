import type { ReactNode } from 'react';
import { AnnotatableSeriesChart } from '@/components/annotations/annotatable-series-chart';
import { SERIES_COLORS, SEVERITY_COLORS } from '@/components/charts/palette';
import { ValueDelta } from '@/components/metrics/value-delta';
import { formatBucket, formatValue } from '@/lib/series/format';
import type { SeriesView } from '@/lib/series/schemas';
import { SeriesControls } from './series-controls';
import { windowLabel } from './windows';

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold tabular-nums">{children}</dd>
    </div>
  );
}

function Swatch({
  color,
  kind = 'line',
  label,
}: {
  color: string;
  kind?: 'line' | 'band' | 'dash' | 'dot';
  label: string;
}) {
  return (
    <li className="flex items-center gap-1.5">
      <svg aria-hidden width="18" height="10" viewBox="0 0 18 10">
        {kind === 'band' ? <rect x="0" y="1" width="18" height="8" fill={color} fillOpacity={0.18} /> : null}
        {kind === 'line' ? <line x1="0" y1="5" x2="18" y2="5" stroke={color} strokeWidth="2" /> : null}
        {kind === 'dash' ? (
          <line x1="0" y1="5" x2="18" y2="5" stroke={color} strokeWidth="2" strokeDasharray="4 3" />
        ) : null}
        {kind === 'dot' ? <circle cx="9" cy="5" r="4" fill={color} /> : null}
      </svg>
      {label}
    </li>
  );
}

/**
 * The series with its controls, headline numbers, legend and a summary in words for screen readers. With
 * `canAnnotate`, a click on the chart starts an annotation at that bucket.
 */
export function SeriesPanel({ view, canAnnotate = false }: { view: SeriesView; canAnnotate?: boolean }) {
  const { summary, comparison, options, range } = view;
  const f = (v: number | null) => formatValue(v, view);
  const aggregateLabel = summary.aggregate === 'total' ? 'Total' : 'Average';
  const from = formatBucket(new Date(range.start), view.interval, view.timeZone);
  const to = formatBucket(view.points.at(-1)?.t ?? new Date(range.end), view.interval, view.timeZone);
  const collected = view.points.some((p) => p.value !== null);
  const caption = collected
    ? `${view.name} per ${view.interval} from ${from} to ${to}: ${aggregateLabel.toLowerCase()} ${f(summary.value)}, latest ${f(summary.latest)}, ${summary.flagged} flagged bucket${summary.flagged === 1 ? '' : 's'}.`
    : `${view.name} has no collected values between ${from} and ${to}.`;

  return (
    <section
      aria-labelledby="series-heading"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="series-heading" className="sr-only">
        Series
      </h2>
      <SeriesControls
        range={range}
        ranges={view.ranges}
        interval={view.interval}
        valueKind={view.valueKind}
        options={options}
      />
      <dl className="mt-4 flex flex-wrap gap-x-10 gap-y-3">
        <Stat label={`${aggregateLabel}, shown range`}>{f(summary.value)}</Stat>
        <Stat label="Latest">{f(summary.latest)}</Stat>
        {comparison ? (
          <Stat label="Change vs previous period">
            <ValueDelta
              pct={comparison.deltaPct}
              direction={view.direction}
              against="the previous period"
              size="lg"
            />
            <span className="ml-2 text-sm font-normal text-slate-500 dark:text-slate-400">
              {aggregateLabel.toLowerCase()} before: {f(comparison.previous)}
            </span>
          </Stat>
        ) : null}
        <Stat label="Flagged buckets">
          <span className={summary.flagged > 0 ? 'text-orange-600' : undefined}>{summary.flagged}</span>
        </Stat>
      </dl>
      <ul
        className="mt-4 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400"
        aria-label="Legend"
      >
        <Swatch color={SERIES_COLORS.value} label={view.name} />
        <Swatch color={SERIES_COLORS.band} kind="band" label="Expected band" />
        <Swatch color={SEVERITY_COLORS.medium} kind="dot" label="Anomaly (ringed when recorded)" />
        {options.ma ? (
          <Swatch
            color={SERIES_COLORS.ma}
            label={`Moving average, ${windowLabel(view.interval, options.ma)}`}
          />
        ) : null}
        {options.trail ? (
          <Swatch
            color={SERIES_COLORS.trailing}
            label={`Trailing total, ${windowLabel(view.interval, options.trail)} (right axis)`}
          />
        ) : null}
        {options.compare ? (
          <Swatch color={SERIES_COLORS.previous} kind="dash" label="Previous period" />
        ) : null}
        {view.annotations?.length ? (
          <Swatch color={SERIES_COLORS.annotation} kind="band" label="Annotation" />
        ) : null}
      </ul>
      <figure className="mt-2" data-testid="series-chart">
        <figcaption className="sr-only">{caption}</figcaption>
        {collected ? (
          <AnnotatableSeriesChart view={view} canAnnotate={canAnnotate} />
        ) : (
          <p className="flex h-80 items-center justify-center text-sm text-slate-500 dark:text-slate-400">
            No values collected in this range yet.
          </p>
        )}
      </figure>
      {collected && view.bandMissing ? (
        <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
          No expected band yet: the detector needs a few weeks of history before it scores a bucket.
        </p>
      ) : null}
    </section>
  );
}
