/**
 * The stretch of a metric's series an anomaly page shows: about three days of hours, a month of days or a
 * quarter of weeks, centred on the anomaly, or ending today when the anomaly is recent. Calendar dates in the
 * project's time zone, as the series' custom range takes them. Pure.
 */
import type { MetricInterval } from '@/lib/metrics/schemas';
import { toDateInput } from '@/lib/series/format';

const HALF_SPAN_DAYS: Record<MetricInterval, number> = { hour: 1, day: 15, week: 42 };

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function anomalyChartRange({
  bucketStart,
  interval,
  now,
  timeZone,
}: {
  bucketStart: Date;
  interval: MetricInterval;
  now: Date;
  timeZone: string;
}): { from: string; to: string } {
  const half = HALF_SPAN_DAYS[interval];
  const day = toDateInput(bucketStart, timeZone);
  const today = toDateInput(now, timeZone);
  const to = addDays(day, half) < today ? addDays(day, half) : today;
  return { from: addDays(to, -2 * half), to };
}
