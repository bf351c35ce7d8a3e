/**
 * How metric values, deltas and buckets read in the UI and in exports. Pure and client-safe. A fixed locale
 * and an explicit time zone make the server render and the browser's hydration produce the same text.
 */
import type { MetricDirection, MetricFormat, MetricInterval } from '@/lib/metrics/schemas';

const LOCALE = 'en-US';
const DASH = '—';

export type ValueFormat = { format: MetricFormat; unit: string };

/** Seconds per duration unit a metric may declare; anything else is read as seconds. */
const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
};

function plainNumber(value: number, compact: boolean): string {
  const abs = Math.abs(value);
  if (compact && abs >= 10_000) {
    return new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
  }
  if (abs === 0 || abs >= 100) {
    return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 }).format(value);
  }
  if (abs >= 1) return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }).format(value);
  return new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 3 }).format(value);
}

function isCurrencyCode(unit: string): boolean {
  if (!/^[A-Z]{3}$/.test(unit)) return false;
  try {
    new Intl.NumberFormat(LOCALE, { style: 'currency', currency: unit });
    return true;
  } catch {
    return false;
  }
}

function currency(value: number, unit: string, compact: boolean): string {
  if (!isCurrencyCode(unit)) return withUnit(plainNumber(value, compact), unit);
  const abs = Math.abs(value);
  return new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency: unit,
    ...(compact && abs >= 10_000
      ? { notation: 'compact', maximumFractionDigits: 1 }
      : { maximumFractionDigits: abs >= 1000 ? 0 : 2, minimumFractionDigits: abs >= 1000 ? 0 : 2 }),
  }).format(value);
}

// Percent metrics hold fractions (a ratio of 0.034 is 3.4 %), the way ratios come out of the warehouse.
function percent(value: number): string {
  const pct = value * 100;
  const abs = Math.abs(pct);
  const digits = abs === 0 ? 0 : abs < 1 ? 2 : abs < 100 ? 1 : 0;
  return `${new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(pct)}%`;
}

function duration(value: number, unit: string): string {
  const seconds = value * (DURATION_UNITS[unit.trim().toLowerCase()] ?? 1);
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1) return `${sign}${plainNumber(abs * 1000, false)} ms`;
  if (abs < 60) return `${sign}${new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 }).format(abs)} s`;
  const parts: [number, string][] =
    abs < 3600
      ? [
          [Math.floor(abs / 60), 'm'],
          [Math.round(abs % 60), 's'],
        ]
      : abs < 86_400
        ? [
            [Math.floor(abs / 3600), 'h'],
            [Math.round((abs % 3600) / 60), 'm'],
          ]
        : [
            [Math.floor(abs / 86_400), 'd'],
            [Math.round((abs % 86_400) / 3600), 'h'],
          ];
  // Rounding the second part can reach a whole unit (59.6 s → 60 s): carry it.
  const limits: Record<string, number> = { s: 60, m: 60, h: 24 };
  const [first, second] = parts as [[number, string], [number, string]];
  if (second[0] >= (limits[second[1]] ?? Infinity)) {
    first[0] += 1;
    second[0] = 0;
  }
  return `${sign}${first[0]}${first[1]}${second[0] > 0 ? ` ${second[0]}${second[1]}` : ''}`;
}

function withUnit(text: string, unit: string): string {
  const u = unit.trim();
  return u ? `${text} ${u}` : text;
}

/**
 * A value in the metric's format and unit. `compact` shortens large numbers (12.3K) for tight spots such as
 * the catalog and chart axes. Null (a gap) reads as a dash.
 */
export function formatValue(
  value: number | null | undefined,
  { format, unit }: ValueFormat,
  { compact = false }: { compact?: boolean } = {},
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  switch (format) {
    case 'number':
      return withUnit(plainNumber(value, compact), unit);
    case 'currency':
      return currency(value, unit.trim(), compact);
    case 'percent':
      return percent(value);
    case 'duration':
      return duration(value, unit);
    default: {
      const never: never = format;
      return String(never);
    }
  }
}

/** A relative change in percent, signed: "+3.2%", "-12%"; null (no baseline) reads as a dash. */
export function formatDeltaPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return DASH;
  const abs = Math.abs(pct);
  const digits = abs < 10 ? 1 : 0;
  const text = new Intl.NumberFormat(LOCALE, {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(abs);
  if (text === '0.0' || text === '0') return '0%';
  return `${pct > 0 ? '+' : '-'}${text}%`;
}

export type DeltaTone = 'good' | 'bad' | 'neutral';

/** Whether a move is good news: up is good when higher is better, bad when lower is better. */
export function deltaTone(pct: number | null | undefined, direction: MetricDirection): DeltaTone {
  if (pct === null || pct === undefined || !Number.isFinite(pct) || Math.abs(pct) < 0.05) return 'neutral';
  switch (direction) {
    case 'higher_is_better':
      return pct > 0 ? 'good' : 'bad';
    case 'lower_is_better':
      return pct < 0 ? 'good' : 'bad';
    case 'neutral':
      return 'neutral';
    default: {
      const never: never = direction;
      return never;
    }
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, { timeZone, hourCycle: 'h23', ...options });
    formatters.set(key, f);
  }
  return f;
}

/** One bucket in words, in the project's time zone: "Mar 5, 2025, 14:00", "Mar 5, 2025", "Week of Mar 3, 2025". */
export function formatBucket(t: number | Date, interval: MetricInterval, timeZone: string): string {
  const at = typeof t === 'number' ? new Date(t) : t;
  switch (interval) {
    case 'hour':
      return dateFormat(timeZone, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }).format(at);
    case 'day':
      return dateFormat(timeZone, {
        weekday: 'short',
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      }).format(at);
    case 'week':
      return `Week of ${dateFormat(timeZone, { year: 'numeric', month: 'short', day: 'numeric' }).format(at)}`;
    default: {
      const never: never = interval;
      return String(never);
    }
  }
}

/**
 * A chart axis tick for ticks on `unit` boundaries (see ticks.ts): clock time for hours (the date at
 * midnight), the date for days, month and year for months.
 */
export function formatTick(
  t: number,
  { unit, timeZone }: { unit: 'hour' | 'day' | 'month'; timeZone: string },
): string {
  const at = new Date(t);
  if (unit === 'hour') {
    const time = dateFormat(timeZone, { hour: '2-digit', minute: '2-digit' }).format(at);
    return time === '00:00' ? dateFormat(timeZone, { month: 'short', day: 'numeric' }).format(at) : time;
  }
  if (unit === 'day') return dateFormat(timeZone, { month: 'short', day: 'numeric' }).format(at);
  return dateFormat(timeZone, { year: 'numeric', month: 'short' }).format(at);
}

/** A calendar date in the project's time zone, as the custom-range inputs use it: "2025-03-05". */
export function toDateInput(t: number | Date, timeZone: string): string {
  const parts = dateFormat(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    typeof t === 'number' ? new Date(t) : t,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
