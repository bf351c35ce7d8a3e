'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { buttonClassName } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import type { MetricInterval, ValueKind } from '@/lib/metrics/schemas';
import type { RangePreset, ResolvedRange } from '@/lib/series/schemas';
import { WINDOWS } from './windows';

const RANGE_LABEL: Record<RangePreset, string> = {
  '24h': '24h',
  '7d': '7d',
  '30d': '30d',
  '90d': '90d',
  '1y': '1y',
};

/**
 * Range and overlay controls. Everything lives in the URL, so a view can be shared and the server renders
 * it; presets are links, the other controls replace the query without scrolling.
 */
export function SeriesControls({
  range,
  ranges,
  interval,
  valueKind,
  options,
}: {
  range: ResolvedRange;
  ranges: RangePreset[];
  interval: MetricInterval;
  valueKind: ValueKind;
  options: { ma: number | null; trail: number | null; compare: boolean };
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  const hrefWith = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    const query = params.toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const go = (changes: Record<string, string | null>) =>
    startTransition(() => router.replace(hrefWith(changes), { scroll: false }));
  const windows = WINDOWS[interval];
  const withCurrent = (current: number | null) =>
    current && !windows.some((w) => w.buckets === current)
      ? [...windows, { buckets: current, label: `${current} ${interval}s` }]
      : windows;

  return (
    <div className="flex flex-wrap items-end gap-x-6 gap-y-3" aria-busy={pending}>
      <nav aria-labelledby="range-label">
        <span id="range-label" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
          Range
        </span>
        <div className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
          {ranges.map((key) => {
            const current = range.key === key;
            return (
              <Link
                key={key}
                href={hrefWith({ range: key, from: null, to: null })}
                scroll={false}
                aria-current={current ? 'true' : undefined}
                className={clsx(
                  'border-r border-slate-300 px-3 py-1.5 text-sm last:border-r-0 dark:border-slate-700',
                  current
                    ? 'bg-brand-600 font-medium text-white'
                    : 'bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-200',
                )}
              >
                {RANGE_LABEL[key]}
              </Link>
            );
          })}
        </div>
      </nav>
      <form
        className="flex items-end gap-2"
        aria-label="Custom range"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          go({ range: 'custom', from: String(data.get('from') ?? ''), to: String(data.get('to') ?? '') });
        }}
      >
        <label className="text-xs font-medium text-slate-600 dark:text-slate-400">
          From
          <Input
            type="date"
            name="from"
            defaultValue={range.from}
            key={`from-${range.from}`}
            required
            className="mt-1 py-1"
          />
        </label>
        <label className="text-xs font-medium text-slate-600 dark:text-slate-400">
          To
          <Input
            type="date"
            name="to"
            defaultValue={range.to}
            key={`to-${range.to}`}
            required
            className="mt-1 py-1"
          />
        </label>
        <button
          type="submit"
          className={buttonClassName(range.key === 'custom' ? 'primary' : 'secondary', 'py-1.5')}
          disabled={pending}
        >
          Show
        </button>
      </form>
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600 dark:text-slate-400">
          Moving average
          <Select
            className="mt-1 py-1"
            value={options.ma ?? ''}
            onChange={(e) => go({ ma: e.target.value || null })}
          >
            <option value="">Off</option>
            {withCurrent(options.ma).map((w) => (
              <option key={w.buckets} value={w.buckets}>
                {w.label}
              </option>
            ))}
          </Select>
        </label>
        {valueKind === 'count' ? (
          <label className="text-xs font-medium text-slate-600 dark:text-slate-400">
            Trailing total
            <Select
              className="mt-1 py-1"
              value={options.trail ?? ''}
              onChange={(e) => go({ trail: e.target.value || null })}
            >
              <option value="">Off</option>
              {withCurrent(options.trail).map((w) => (
                <option key={w.buckets} value={w.buckets}>
                  {w.label}
                </option>
              ))}
            </Select>
          </label>
        ) : null}
        <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700 dark:text-slate-300">
          <input
            type="checkbox"
            checked={options.compare}
            onChange={(e) => go({ compare: e.target.checked ? 'previous' : null })}
          />
          Compare with previous period
        </label>
      </div>
    </div>
  );
}
