import { SERIES_COLORS, SEVERITY_COLORS } from '@/components/charts/palette';
import { SeriesChart } from '@/components/charts/series-chart';
import type { InboxAnomaly } from '@/lib/inbox/schemas';
import { formatBucket } from '@/lib/series/format';
import type { SeriesView } from '@/lib/series/schemas';

function Swatch({
  color,
  kind,
  label,
}: {
  color: string;
  kind: 'line' | 'band' | 'dot' | 'dash';
  label: string;
}) {
  return (
    <li className="flex items-center gap-1.5">
      <svg aria-hidden width="18" height="10" viewBox="0 0 18 10">
        {kind === 'band' ? <rect x="0" y="1" width="18" height="8" fill={color} fillOpacity={0.18} /> : null}
        {kind === 'line' ? <line x1="0" y1="5" x2="18" y2="5" stroke={color} strokeWidth="2" /> : null}
        {kind === 'dash' ? (
          <line x1="9" y1="0" x2="9" y2="10" stroke={color} strokeWidth="1.5" strokeDasharray="3 2" />
        ) : null}
        {kind === 'dot' ? <circle cx="9" cy="5" r="4" fill={color} /> : null}
      </svg>
      {label}
    </li>
  );
}

/** The metric's series around the anomaly, with its expected band, markers, annotations and the bucket itself. */
export function AnomalyChart({ view, anomaly }: { view: SeriesView; anomaly: InboxAnomaly }) {
  const from = formatBucket(new Date(view.range.start), view.interval, view.timeZone);
  const to = formatBucket(view.points.at(-1)?.t ?? new Date(view.range.end), view.interval, view.timeZone);
  const collected = view.points.some((p) => p.value !== null);
  return (
    <section
      aria-labelledby="anomaly-series-heading"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="anomaly-series-heading" className="text-base font-semibold">
          {view.name} per {view.interval}
        </h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {from} – {to} ({view.timeZone})
        </p>
      </div>
      {anomaly.dimension ? (
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          The chart shows {view.name} as a whole; this anomaly is on {anomaly.dimension} ={' '}
          {anomaly.dimensionValue}.
        </p>
      ) : null}
      <ul
        className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400"
        aria-label="Legend"
      >
        <Swatch color={SERIES_COLORS.value} kind="line" label={view.name} />
        <Swatch color={SERIES_COLORS.band} kind="band" label="Expected band" />
        <Swatch color={SEVERITY_COLORS[anomaly.severity]} kind="dot" label="Anomaly" />
        <Swatch color="#64748b" kind="dash" label="This bucket" />
        {view.annotations?.length ? (
          <Swatch color={SERIES_COLORS.annotation} kind="band" label="Marked expected" />
        ) : null}
      </ul>
      <figure className="mt-2" data-testid="anomaly-chart">
        <figcaption className="sr-only">
          {view.name} per {view.interval} from {from} to {to}, with the anomaly of{' '}
          {formatBucket(new Date(anomaly.bucketStart), anomaly.interval, view.timeZone)} marked.
        </figcaption>
        {collected ? (
          <SeriesChart view={view} height={300} highlight={new Date(anomaly.bucketStart).getTime()} />
        ) : (
          <p className="flex h-72 items-center justify-center text-sm text-slate-500 dark:text-slate-400">
            No values are stored around this bucket any more.
          </p>
        )}
      </figure>
    </section>
  );
}
