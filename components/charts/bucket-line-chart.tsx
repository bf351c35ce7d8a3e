'use client';

import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

export type BucketPoint = { bucket: string; value: number | null };

/**
 * A small line over time buckets. Missing values stay gaps (the line breaks, nothing is drawn there) so a
 * preview never pretends a bucket had a value; isolated values still show as dots.
 */
export function BucketLineChart({
  points,
  formatBucket,
  formatValue,
  label,
  height = 200,
}: {
  points: BucketPoint[];
  formatBucket: (iso: string) => string;
  formatValue: (value: number) => string;
  label: string;
  height?: number;
}) {
  return (
    <figure aria-label={label} className="m-0 text-slate-500 dark:text-slate-400">
      <LineChart
        responsive
        data={points}
        style={{ width: '100%', height }}
        margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
      >
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis
          dataKey="bucket"
          tickFormatter={formatBucket}
          tick={{ fontSize: 11, fill: 'currentColor' }}
          stroke="currentColor"
          strokeOpacity={0.3}
          minTickGap={24}
        />
        <YAxis
          width={56}
          tickFormatter={(v: number) => formatValue(v)}
          tick={{ fontSize: 11, fill: 'currentColor' }}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <Tooltip
          labelFormatter={(bucket) => formatBucket(String(bucket))}
          formatter={(value) => (typeof value === 'number' ? formatValue(value) : 'no value')}
        />
        <Line
          type="linear"
          dataKey="value"
          name="Value"
          stroke="var(--color-brand-600, #2563eb)"
          strokeWidth={2}
          dot={{ r: 2.5 }}
          connectNulls={false}
          isAnimationActive={false}
        />
      </LineChart>
    </figure>
  );
}
