'use client';

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { formatBucket, formatTick, formatValue } from '@/lib/series/format';
import { timeTicks } from '@/lib/series/ticks';
import type { BreakdownView, SeriesMeta } from '@/lib/series/schemas';
import { breakdownColor } from './palette';

type Meta = Pick<SeriesMeta, 'timeZone' | 'format' | 'unit'>;

function BreakdownTooltip({
  active,
  payload,
  label,
  meta,
  view,
}: TooltipContentProps & { meta: Meta; view: BreakdownView }) {
  if (!active || !payload?.length || typeof label !== 'number') return null;
  const point = payload[0]?.payload as Record<string, number | null> | undefined;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md dark:border-slate-700 dark:bg-slate-900">
      <p className="mb-1 font-medium">{formatBucket(label, view.interval, meta.timeZone)}</p>
      <table>
        <tbody>
          {[...view.keys].reverse().map((k) => (
            <tr key={k.key}>
              <td className="pr-3 text-slate-500 dark:text-slate-400">
                <span
                  aria-hidden
                  className="mr-1 inline-block size-2 rounded-full"
                  style={{ background: breakdownColor(k.label, view.keys.indexOf(k)) }}
                />
                {k.label}
              </td>
              <td className="text-right font-medium tabular-nums">
                {formatValue(point?.[k.key] ?? null, meta)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One dimension's top values over time: stacked bars for a few buckets, stacked areas for many, and plain
 * lines for fractional values, which do not add up.
 */
export function BreakdownChart({
  view,
  meta,
  height = 240,
}: {
  view: BreakdownView;
  meta: Meta;
  height?: number;
}) {
  const first = view.points[0]?.t ?? 0;
  const last = view.points.at(-1)?.t ?? first;
  const { ticks, unit } = timeTicks({ start: first, end: last, timeZone: meta.timeZone, maxTicks: 6 });
  const common = {
    data: view.points,
    responsive: true,
    style: { width: '100%', height },
    margin: { top: 8, right: 16, bottom: 0, left: 8 },
  };
  const axes = (
    <>
      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[first, last]}
        padding={view.points.length <= 60 ? { left: 12, right: 12 } : undefined}
        ticks={ticks}
        tickFormatter={(t: number) => formatTick(t, { unit, timeZone: meta.timeZone })}
        interval="preserveStartEnd"
        tick={{ fontSize: 12, fill: '#64748b' }}
        stroke="#cbd5e1"
      />
      <YAxis
        tickFormatter={(v: number) => formatValue(v, meta, { compact: true })}
        width={72}
        tick={{ fontSize: 12, fill: '#64748b' }}
        stroke="#cbd5e1"
      />
      <Tooltip
        content={(props) => <BreakdownTooltip {...props} meta={meta} view={view} />}
        isAnimationActive={false}
      />
    </>
  );
  if (!view.stacked) {
    return (
      <LineChart {...common}>
        {axes}
        {view.keys.map((k, i) => (
          <Line
            key={k.key}
            dataKey={k.key}
            name={k.label}
            stroke={breakdownColor(k.label, i)}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    );
  }
  if (view.points.length <= 60) {
    return (
      <BarChart {...common}>
        {axes}
        {view.keys.map((k, i) => (
          <Bar
            key={k.key}
            dataKey={k.key}
            name={k.label}
            stackId="values"
            fill={breakdownColor(k.label, i)}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    );
  }
  return (
    <AreaChart {...common}>
      {axes}
      {view.keys.map((k, i) => (
        <Area
          key={k.key}
          dataKey={k.key}
          name={k.label}
          stackId="values"
          stroke={breakdownColor(k.label, i)}
          fill={breakdownColor(k.label, i)}
          fillOpacity={0.7}
          strokeWidth={0.5}
          isAnimationActive={false}
          connectNulls={false}
        />
      ))}
    </AreaChart>
  );
}
