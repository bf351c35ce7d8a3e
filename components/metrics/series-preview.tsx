'use client';

import { BucketLineChart } from '@/components/charts/bucket-line-chart';
import type { SeriesPreview as SeriesPreviewData } from '@/lib/collection/service';
import type { MetricInterval } from '@/lib/metrics/schemas';

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

const formatValue = (value: number) => NUMBER.format(value);
const formatTick = (value: number) =>
  Math.abs(value) >= 10_000 ? COMPACT.format(value) : NUMBER.format(value);

function bucketFormatter(interval: MetricInterval, timeZone: string) {
  const format = new Intl.DateTimeFormat(
    'en-GB',
    interval === 'hour'
      ? { timeZone, hour: '2-digit', minute: '2-digit' }
      : { timeZone, day: 'numeric', month: 'short' },
  );
  return (iso: string) => format.format(new Date(iso));
}

function windowFormatter(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (iso: string) => format.format(new Date(iso));
}

type BreakdownRow = { dimensionValue: string; latest: number | null; peak: number | null };

/** Per dimension: each value's latest bucket and its peak over the window, biggest latest first. */
function summarizeBreakdown(breakdown: SeriesPreviewData['breakdown']): Map<string, BreakdownRow[]> {
  const lastBucket = breakdown.reduce((max, p) => (p.bucket > max ? p.bucket : max), '');
  const byDimension = new Map<string, Map<string, BreakdownRow>>();
  for (const point of breakdown) {
    const rows = byDimension.get(point.dimension) ?? new Map<string, BreakdownRow>();
    byDimension.set(point.dimension, rows);
    const row = rows.get(point.dimensionValue) ?? {
      dimensionValue: point.dimensionValue,
      latest: null,
      peak: null,
    };
    rows.set(point.dimensionValue, row);
    if (point.value === null) continue;
    if (point.bucket === lastBucket) row.latest = point.value;
    row.peak = row.peak === null ? point.value : Math.max(row.peak, point.value);
  }
  const sorted = new Map<string, BreakdownRow[]>();
  for (const [dimension, rows] of byDimension) {
    sorted.set(
      dimension,
      [...rows.values()].sort((a, b) => (b.latest ?? -Infinity) - (a.latest ?? -Infinity)),
    );
  }
  return sorted;
}

/** What "Preview series" computed: the window, the time it took, the series with its gaps, breakdowns. */
export function SeriesPreview({
  preview,
  interval,
  timeZone,
}: {
  preview: SeriesPreviewData;
  interval: MetricInterval;
  timeZone: string;
}) {
  const withValue = preview.points.filter((p) => p.value !== null).length;
  const gaps = preview.points.length - withValue;
  const formatWindow = windowFormatter(timeZone);
  const breakdown = summarizeBreakdown(preview.breakdown);

  return (
    <section aria-label="Series preview" className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {formatWindow(preview.windowStart)} → {formatWindow(preview.windowEnd)} ({timeZone}) ·{' '}
        <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="preview-point-count">
          {withValue}
        </span>{' '}
        of {preview.points.length} buckets with a value
        {gaps > 0 ? ` · ${gaps} gap${gaps === 1 ? '' : 's'}` : ''} · {preview.elapsedMs} ms
      </p>
      {preview.points.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No buckets in this window.</p>
      ) : (
        <div className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
          <BucketLineChart
            label="Preview series chart"
            points={preview.points}
            formatBucket={bucketFormatter(interval, timeZone)}
            formatValue={formatTick}
          />
        </div>
      )}
      {breakdown.size > 0 ? (
        <div className="grid gap-3 md:grid-cols-3">
          {[...breakdown].map(([dimension, rows]) => (
            <table
              key={dimension}
              aria-label={`Breakdown by ${dimension}`}
              className="w-full self-start rounded-md border border-slate-200 text-left text-xs dark:border-slate-800"
            >
              <thead className="bg-slate-50 text-slate-500 dark:text-slate-400 dark:bg-slate-900">
                <tr>
                  <th scope="col" className="px-2 py-1.5 font-mono font-medium">
                    {dimension}
                  </th>
                  <th scope="col" className="px-2 py-1.5 text-right font-medium">
                    Latest
                  </th>
                  <th scope="col" className="px-2 py-1.5 text-right font-medium">
                    Peak
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((row) => (
                  <tr key={row.dimensionValue}>
                    <td className="max-w-40 truncate px-2 py-1">{row.dimensionValue}</td>
                    <td className="px-2 py-1 text-right tabular-nums">
                      {row.latest === null ? '—' : formatValue(row.latest)}
                    </td>
                    <td className="px-2 py-1 text-right tabular-nums">
                      {row.peak === null ? '—' : formatValue(row.peak)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
      ) : null}
    </section>
  );
}
