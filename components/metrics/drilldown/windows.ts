import type { MetricInterval } from '@/lib/metrics/schemas';

/** Sensible windows per interval, in buckets, with how they read. */
export const WINDOWS: Record<MetricInterval, { buckets: number; label: string }[]> = {
  hour: [
    { buckets: 6, label: '6 hours' },
    { buckets: 24, label: '24 hours' },
    { buckets: 168, label: '7 days' },
  ],
  day: [
    { buckets: 7, label: '7 days' },
    { buckets: 28, label: '28 days' },
    { buckets: 90, label: '90 days' },
  ],
  week: [
    { buckets: 4, label: '4 weeks' },
    { buckets: 13, label: '13 weeks' },
  ],
};

export function windowLabel(interval: MetricInterval, buckets: number): string {
  return WINDOWS[interval].find((w) => w.buckets === buckets)?.label ?? `${buckets} ${interval}s`;
}
