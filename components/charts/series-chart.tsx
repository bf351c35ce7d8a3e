'use client';

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type DotItemDotProps,
  type TooltipContentProps,
} from 'recharts';
import { formatBucket, formatTick, formatValue } from '@/lib/series/format';
import { timeTicks } from '@/lib/series/ticks';
import type { ChartPoint, SeriesView } from '@/lib/series/schemas';
import { SERIES_COLORS, SEVERITY_COLORS } from './palette';

type Props = {
  view: Pick<SeriesView, 'points' | 'interval' | 'timeZone' | 'format' | 'unit' | 'options' | 'annotations'>;
  height?: number;
  /** A bucket to point at (epoch ms), such as the anomaly a page is about. */
  highlight?: number;
  /** Called with the bucket (epoch ms) under the pointer when the chart is clicked. */
  onPickBucket?: (t: number) => void;
};

/** Marks flagged buckets on the value line; stored anomalies get a ring around the dot. */
function AnomalyDot(props: DotItemDotProps) {
  const point = props.payload as ChartPoint | undefined;
  const { cx, cy } = props;
  if (!point?.flag || typeof cx !== 'number' || typeof cy !== 'number') return null;
  const color = SEVERITY_COLORS[point.flag];
  return (
    <g key={`anomaly-${point.t}`}>
      {point.stored ? <circle cx={cx} cy={cy} r={7} fill="none" stroke={color} strokeWidth={1.5} /> : null}
      <circle cx={cx} cy={cy} r={3.5} fill={color} stroke="#fff" strokeWidth={1} />
    </g>
  );
}

function SeriesTooltip({ active, payload, view }: TooltipContentProps & { view: Props['view'] }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  const f = (v: number | null) => formatValue(v, view);
  const rows: [string, string, string?][] = [['Value', f(point.value)]];
  if (point.expected !== null) {
    const band = point.band ? ` (${f(point.band[0])} – ${f(point.band[1])})` : '';
    rows.push(['Expected', `${f(point.expected)}${band}`]);
  }
  if (view.options.ma) rows.push([`Moving avg (${view.options.ma})`, f(point.ma), SERIES_COLORS.ma]);
  if (view.options.trail)
    rows.push([`Trailing ${view.options.trail}`, f(point.trailing), SERIES_COLORS.trailing]);
  if (view.options.compare) rows.push(['Previous period', f(point.previous), SERIES_COLORS.previous]);
  const notes = (view.annotations ?? []).filter(
    (a) => point.t >= a.start && point.t <= Math.max(a.start, a.end - 1),
  );
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md dark:border-slate-700 dark:bg-slate-900">
      <p className="mb-1 font-medium">{formatBucket(point.t, view.interval, view.timeZone)}</p>
      <table>
        <tbody>
          {rows.map(([label, value, color]) => (
            <tr key={label}>
              <td className="pr-3 text-slate-500 dark:text-slate-400">
                {color ? (
                  <span
                    aria-hidden
                    className="mr-1 inline-block size-2 rounded-full"
                    style={{ background: color }}
                  />
                ) : null}
                {label}
              </td>
              <td className="text-right font-medium tabular-nums">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {point.flag ? (
        <p className="mt-1 font-medium" style={{ color: SEVERITY_COLORS[point.flag] }}>
          {point.flag} anomaly{point.stored ? ' (recorded)' : ''}
        </p>
      ) : null}
      {notes.map((a) => (
        <p key={`${a.start}-${a.note}`} className="mt-1 max-w-64 text-slate-600 dark:text-slate-300">
          <span aria-hidden style={{ color: SERIES_COLORS.annotation }}>
            ▍
          </span>
          {a.note}
        </p>
      ))}
    </div>
  );
}

/**
 * The drilldown chart: the value line over its expected band, anomaly markers, and the chosen overlays.
 * A gap (null) breaks the line. The trailing window has its own axis on the right: a 7-day total of an
 * hourly count is two orders of magnitude above the hourly values.
 */
export function SeriesChart({ view, height = 320, highlight, onPickBucket }: Props) {
  const { points } = view;
  // Points sit at bucket starts: shading from half a bucket before to half a bucket after centres them.
  const half = points.length > 1 ? ((points[1]?.t ?? 0) - (points[0]?.t ?? 0)) / 2 : 1_800_000;
  const first = points[0]?.t ?? 0;
  const last = points.at(-1)?.t ?? first;
  const { ticks, unit } = timeTicks({ start: first, end: last, timeZone: view.timeZone });
  const tick = (t: number) => formatTick(t, { unit, timeZone: view.timeZone });
  const yTick = (v: number) => formatValue(v, view, { compact: true });
  const manyPoints = points.length > 400;
  return (
    <ComposedChart
      data={points}
      responsive
      style={{ width: '100%', height, cursor: onPickBucket ? 'crosshair' : undefined }}
      margin={{ top: 8, right: view.options.trail ? 8 : 16, bottom: 0, left: 8 }}
      onClick={
        onPickBucket
          ? (state) => {
              const t = points[Number(state.activeTooltipIndex)]?.t;
              if (t !== undefined) onPickBucket(t);
            }
          : undefined
      }
    >
      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[first, last]}
        ticks={ticks}
        tickFormatter={tick}
        interval="preserveStartEnd"
        tick={{ fontSize: 12, fill: '#64748b' }}
        stroke="#cbd5e1"
      />
      <YAxis
        yAxisId="left"
        tickFormatter={yTick}
        width={72}
        tick={{ fontSize: 12, fill: '#64748b' }}
        stroke="#cbd5e1"
        domain={['auto', 'auto']}
      />
      {view.options.trail ? (
        <YAxis
          yAxisId="right"
          orientation="right"
          tickFormatter={yTick}
          width={72}
          tick={{ fontSize: 12, fill: SERIES_COLORS.trailing }}
          stroke="#cbd5e1"
        />
      ) : null}
      <Tooltip content={(props) => <SeriesTooltip {...props} view={view} />} isAnimationActive={false} />
      {(view.annotations ?? []).map((a) =>
        a.end > a.start ? (
          <ReferenceArea
            key={`${a.start}-${a.note}`}
            yAxisId="left"
            x1={a.start - half}
            x2={a.end - half}
            ifOverflow="hidden"
            fill={SERIES_COLORS.annotation}
            fillOpacity={0.12}
            stroke={SERIES_COLORS.annotation}
            strokeOpacity={0.35}
            label={{ value: a.note, position: 'insideTopLeft', fontSize: 11, fill: '#475569' }}
          />
        ) : (
          <ReferenceLine
            key={`${a.start}-${a.note}`}
            yAxisId="left"
            x={a.start}
            ifOverflow="hidden"
            stroke={SERIES_COLORS.annotation}
            strokeDasharray="4 3"
            label={{ value: a.note, position: 'insideTopLeft', fontSize: 11, fill: '#475569' }}
          />
        ),
      )}
      {highlight !== undefined ? (
        <ReferenceLine
          yAxisId="left"
          x={highlight}
          ifOverflow="hidden"
          stroke="#64748b"
          strokeDasharray="3 3"
        />
      ) : null}
      <Area
        yAxisId="left"
        dataKey="band"
        name="Expected band"
        stroke="none"
        fill={SERIES_COLORS.band}
        fillOpacity={0.12}
        isAnimationActive={false}
        activeDot={false}
        connectNulls={false}
      />
      {view.options.compare ? (
        <Line
          yAxisId="left"
          dataKey="previous"
          name="Previous period"
          stroke={SERIES_COLORS.previous}
          strokeDasharray="4 3"
          strokeWidth={1.5}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      ) : null}
      <Line
        yAxisId="left"
        dataKey="value"
        name="Value"
        stroke={SERIES_COLORS.value}
        strokeWidth={manyPoints ? 1.25 : 1.75}
        dot={AnomalyDot}
        activeDot={{ r: 4 }}
        isAnimationActive={false}
        connectNulls={false}
      />
      {view.options.ma ? (
        <Line
          yAxisId="left"
          dataKey="ma"
          name="Moving average"
          stroke={SERIES_COLORS.ma}
          strokeWidth={2}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      ) : null}
      {view.options.trail ? (
        <Line
          yAxisId="right"
          dataKey="trailing"
          name="Trailing window"
          stroke={SERIES_COLORS.trailing}
          strokeWidth={2}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      ) : null}
    </ComposedChart>
  );
}
