'use client';

import { Line, LineChart, YAxis } from 'recharts';

const STROKE = { good: '#059669', bad: '#dc2626', neutral: '#2f6fed' } as const;

/**
 * A small fixed-size line of recent values: no axes, tooltip or animation, so a catalog of many rows stays
 * cheap. Gaps (null) break the line. The label says in words what it shows.
 */
export function Sparkline({
  points,
  label,
  tone = 'neutral',
  width = 112,
  height = 32,
}: {
  points: { t: number; value: number | null }[];
  label: string;
  tone?: keyof typeof STROKE;
  width?: number;
  height?: number;
}) {
  const known = points.filter((p) => p.value !== null).length;
  return (
    <div role="img" aria-label={label} title={label} data-testid="sparkline" style={{ width, height }}>
      {known > 0 ? (
        <LineChart
          width={width}
          height={height}
          data={points}
          margin={{ top: 3, right: 2, bottom: 3, left: 2 }}
          accessibilityLayer={false}
        >
          <YAxis hide domain={['dataMin', 'dataMax']} />
          <Line
            type="linear"
            dataKey="value"
            stroke={STROKE[tone]}
            strokeWidth={1.5}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        </LineChart>
      ) : null}
    </div>
  );
}
