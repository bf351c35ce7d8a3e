/**
 * Read-side views of a densified series: moving average, trailing window and period-over-period comparison.
 * Pure; each works on plain value arrays, oldest first, with null for gaps.
 */
import type { ValueKind } from '@/lib/metrics/schemas';

/**
 * The mean of the last `window` buckets (this one included). Gaps are skipped, but a mean built on fewer than
 * half of the window's buckets is null rather than a wild value; so are the first `window − 1` buckets.
 */
export function movingAverage(values: readonly (number | null)[], window: number): (number | null)[] {
  const size = Math.max(1, Math.floor(window));
  const minPresent = Math.ceil(size / 2);
  const out: (number | null)[] = [];
  let sum = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      sum += v;
      present++;
    }
    const leaving = i - size >= 0 ? values[i - size] : null;
    if (leaving !== null && leaving !== undefined) {
      sum -= leaving;
      present--;
    }
    out.push(i >= size - 1 && present >= minPresent ? sum / present : null);
  }
  return out;
}

/**
 * The total of the last `window` buckets (this one included), e.g. orders in the trailing 7 days at every
 * hour. Null unless every bucket of the window is known: a partial total would read as a drop.
 */
export function trailingSum(values: readonly (number | null)[], window: number): (number | null)[] {
  const size = Math.max(1, Math.floor(window));
  const out: (number | null)[] = [];
  let sum = 0;
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) missing++;
    else sum += v;
    if (i - size >= 0) {
      const leaving = values[i - size];
      if (leaving === null || leaving === undefined) missing--;
      else sum -= leaving;
    }
    out.push(i >= size - 1 && missing === 0 ? sum : null);
  }
  return out;
}

/** (current − previous) / |previous| in percent; null without a usable baseline. */
export function deltaPct(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return null;
  }
  if (previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

export type PeriodAggregate = 'total' | 'mean';

/** Counts compare by their totals, fractional series by their means (a ratio's total means nothing). */
export function periodAggregateOf(valueKind: ValueKind): PeriodAggregate {
  return valueKind === 'count' ? 'total' : 'mean';
}

/** The total or the mean of the known values; null when there are none. */
export function aggregatePeriod(
  values: readonly (number | null)[],
  aggregate: PeriodAggregate,
): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  if (n === 0) return null;
  return aggregate === 'total' ? sum : sum / n;
}

export type PeriodComparison = {
  aggregate: PeriodAggregate;
  current: number | null;
  previous: number | null;
  deltaPct: number | null;
};

/** This period against the one before it, both as the same aggregate. */
export function comparePeriods({
  current,
  previous,
  valueKind,
}: {
  current: readonly (number | null)[];
  previous: readonly (number | null)[];
  valueKind: ValueKind;
}): PeriodComparison {
  const aggregate = periodAggregateOf(valueKind);
  const now = aggregatePeriod(current, aggregate);
  const before = aggregatePeriod(previous, aggregate);
  return { aggregate, current: now, previous: before, deltaPct: deltaPct(now, before) };
}
