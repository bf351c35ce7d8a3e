/**
 * How anomalies and incidents read in the inbox and on the anomaly page: spans of time in the project's time
 * zone, moves against the expectation, and segment shares. Pure and client-safe; a fixed locale keeps the
 * server render and hydration identical.
 */
import type { Tone } from '@/components/ui/badge';
import type { ExplainingSegment, Incident, InboxAnomaly } from '@/lib/inbox/schemas';
import { formatBucket, formatDeltaPct } from '@/lib/series/format';
import type { SeverityLevel } from '@/lib/series/schemas';

export const SEVERITY_TONE: Record<SeverityLevel, Tone> = { high: 'red', medium: 'amber', low: 'neutral' };

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...options });
    formatters.set(key, f);
  }
  return f;
}

const DATE = { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' } as const;
const SHORT_DATE = { month: 'short', day: 'numeric' } as const;
const TIME = { hour: '2-digit', minute: '2-digit' } as const;

/**
 * A span [start, end) in words: "Mon, Oct 19, 2026, 09:00–13:00", "Mon, Oct 19, 2026" for a whole day,
 * "Oct 9 – Oct 12, 2026" for whole days, otherwise both ends with their times.
 */
export function formatSpan(startIso: string, endIso: string, timeZone: string): string {
  const start = new Date(startIso);
  const last = new Date(new Date(endIso).getTime() - 1);
  const day = (d: Date) => fmt(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const time = (d: Date) => fmt(timeZone, TIME).format(d);
  const wholeDays = time(start) === '00:00' && time(new Date(endIso)) === '00:00';
  if (wholeDays) {
    if (day(start) === day(last)) return fmt(timeZone, DATE).format(start);
    return `${fmt(timeZone, SHORT_DATE).format(start)} – ${fmt(timeZone, { ...SHORT_DATE, year: 'numeric' }).format(last)}`;
  }
  const endTime = time(new Date(endIso)) === '00:00' ? '24:00' : time(new Date(endIso));
  if (day(start) === day(last)) return `${fmt(timeZone, DATE).format(start)}, ${time(start)}–${endTime}`;
  return `${fmt(timeZone, { ...SHORT_DATE, ...TIME }).format(start)} → ${fmt(timeZone, { ...SHORT_DATE, year: 'numeric', ...TIME }).format(new Date(endIso))}`;
}

const FINENESS = { hour: 0, day: 1, week: 2 } as const;

/**
 * When an incident happened, told by its finest buckets: hourly anomalies inside a daily one say more than the
 * whole day ("Mon, Oct 19, 2026, 09:00–13:00").
 */
export function formatIncidentTime(
  incident: Pick<Incident, 'anomalies' | 'start' | 'end'>,
  timeZone: string,
): string {
  const finest = Math.min(...incident.anomalies.map((a) => FINENESS[a.interval]));
  const members = incident.anomalies.filter((a) => FINENESS[a.interval] === finest);
  const start = members.reduce((min, a) => (a.bucketStart < min ? a.bucketStart : min), incident.end);
  const end = members.reduce((max, a) => (a.bucketEnd > max ? a.bucketEnd : max), incident.start);
  return formatSpan(start, end, timeZone);
}

export function formatAnomalyBucket(
  a: Pick<InboxAnomaly, 'bucketStart' | 'interval'>,
  timeZone: string,
): string {
  return formatBucket(new Date(a.bucketStart), a.interval, timeZone);
}

/** The move against the expectation, in percent ("-72%"), or null when nothing was expected. */
export function formatMove(a: Pick<InboxAnomaly, 'value' | 'expected'>): string | null {
  if (a.value === null || a.expected === 0) return null;
  return formatDeltaPct(((a.value - a.expected) / Math.abs(a.expected)) * 100);
}

export function directionWord(direction: 'up' | 'down'): 'rise' | 'drop' {
  return direction === 'up' ? 'rise' : 'drop';
}

/** A segment's share of the move: "62% of the drop"; a segment that moved against it reads "−8% (moved against)". */
export function formatShare(segment: ExplainingSegment, direction: 'up' | 'down'): string {
  const pct = Math.round(segment.contribution * 100);
  return pct >= 0 ? `${pct}% of the ${directionWord(direction)}` : `−${Math.abs(pct)}% (moved against it)`;
}

/** A segment's name: the value alone when its dimension is clear from the context, else "country = DE". */
export function segmentLabel(
  segment: Pick<ExplainingSegment, 'dimension' | 'value'>,
  withDimension = true,
): string {
  return withDimension ? `${segment.dimension} = ${segment.value}` : segment.value;
}

/** The explaining segments worth a line: those with a share of at least 5 %, largest first. */
export function topSegments(explanation: readonly ExplainingSegment[], limit: number): ExplainingSegment[] {
  return explanation.filter((s) => Math.abs(s.contribution) >= 0.05).slice(0, limit);
}
