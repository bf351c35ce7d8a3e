// The CSV side of the evaluation contract (`npm run --silent detect`), kept pure so it is testable:
// parse `timestamp,value` rows, infer the interval and value kind, format `timestamp,value,anomaly_score`.
import type { Interval, ValueKind } from './types';

export type CsvRow = {
  line: number;
  rawTimestamp: string;
  rawValue: string;
  t: number;
  value: number | null;
};

export class CsvInputError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvInputError';
  }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const GAP_WORDS = new Set(['', 'null', 'nan', 'na', 'n/a', 'none', '-']);
// Epoch numbers below 1e11 are seconds (1e11 s is the year 5138; 1e11 ms is 1973).
const SECONDS_LIMIT = 1e11;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// An arbitrary Monday at midnight UTC, for index-like timestamps mapped onto hours.
const ORDINAL_EPOCH = Date.UTC(2001, 0, 1);

/** Parses the whole input; throws CsvInputError naming the line of the first bad row. */
export function parseDetectCsv(text: string): { rows: CsvRow[]; unparsedValues: number } {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let headerSeen = false;
  let unparsedValues = 0;
  const rows: CsvRow[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const raw = (lines[index] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const fields = raw.split(',');
    if (!headerSeen) {
      const names = fields.map((f) => unquote(f).toLowerCase());
      if (names.length !== 2 || names[0] !== 'timestamp' || names[1] !== 'value') {
        const hint =
          NUMERIC.test(unquote(fields[0] ?? '')) || ISO.test(unquote(fields[0] ?? ''))
            ? ' (missing header?)'
            : '';
        throw new CsvInputError(line, `expected the header "timestamp,value", got "${truncate(raw)}"${hint}`);
      }
      headerSeen = true;
      continue;
    }
    if (fields.length !== 2) {
      throw new CsvInputError(
        line,
        `expected 2 fields (timestamp,value), got ${fields.length}: "${truncate(raw)}"`,
      );
    }
    const rawTimestamp = fields[0] as string;
    const rawValue = fields[1] as string;
    const t = parseTimestamp(unquote(rawTimestamp));
    if (!Number.isFinite(t))
      throw new CsvInputError(line, `unparseable timestamp "${truncate(rawTimestamp)}"`);
    const text = unquote(rawValue);
    let value: number | null = null;
    if (!GAP_WORDS.has(text.toLowerCase())) {
      const parsed = Number(text);
      if (text !== '' && !Number.isNaN(parsed)) value = parsed;
      else unparsedValues++;
    }
    rows.push({ line, rawTimestamp, rawValue, t, value });
  }
  if (!headerSeen) throw new CsvInputError(1, 'empty input: expected the header "timestamp,value"');
  return { rows, unparsedValues };
}

/** ISO-8601 (date, date-time, offset or Z; no offset means UTC) or epoch seconds / milliseconds. NaN if neither. */
export function parseTimestamp(text: string): number {
  if (NUMERIC.test(text)) {
    const n = Number(text);
    return Math.abs(n) < SECONDS_LIMIT ? n * 1000 : n;
  }
  const m = ISO.exec(text);
  if (m === null) return NaN;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + fraction;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  ) {
    return NaN;
  }
  return ms - parseOffset(m[8]);
}

function parseOffset(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Interval from the median step between distinct timestamps. Steps under a minute are not bucketed
 * metrics but row numbers (e.g. 1, 2, 3…): those are mapped onto consecutive hours.
 */
export function inferTimeline(times: readonly number[]): { times: number[]; interval: Interval } {
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  const steps: number[] = [];
  for (let i = 1; i < distinct.length; i++) steps.push((distinct[i] as number) - (distinct[i - 1] as number));
  steps.sort((a, b) => a - b);
  const step = steps.length === 0 ? HOUR_MS : (steps[steps.length >> 1] as number);
  if (step < 60_000) {
    const origin = distinct[0] ?? 0;
    const unit = step > 0 ? step : 1;
    return {
      times: times.map((t) => ORDINAL_EPOCH + Math.round((t - origin) / unit) * HOUR_MS),
      interval: 'hour',
    };
  }
  const interval: Interval = step <= 1.5 * HOUR_MS ? 'hour' : step <= 3.5 * DAY_MS ? 'day' : 'week';
  return { times: [...times], interval };
}

/** Count-shaped when every value present is a non-negative integer. */
export function inferValueKind(values: readonly (number | null)[]): ValueKind {
  let seen = false;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < 0 || !Number.isInteger(v)) return 'fractional';
    seen = true;
  }
  return seen ? 'count' : 'fractional';
}

export function formatScore(score: number): string {
  const clamped = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  return String(Number(clamped.toFixed(6)));
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
