/**
 * Time-axis ticks on calendar boundaries of the project's time zone (every 6 hours, every day, every Monday,
 * every month…), so labels never repeat a date or land at odd times. Pure.
 */
import { TZDate } from '@date-fns/tz';
import {
  addDays,
  addHours,
  addMonths,
  startOfDay,
  startOfHour,
  startOfISOWeek,
  startOfMonth,
} from 'date-fns';

export type TickUnit = 'hour' | 'day' | 'month';

type Step = { unit: TickUnit; size: number; approxMs: number; weekly?: boolean };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEPS: Step[] = [
  ...[1, 2, 3, 6, 12].map((size) => ({ unit: 'hour' as const, size, approxMs: size * HOUR })),
  { unit: 'day', size: 1, approxMs: DAY },
  { unit: 'day', size: 2, approxMs: 2 * DAY },
  { unit: 'day', size: 7, approxMs: 7 * DAY, weekly: true },
  { unit: 'day', size: 14, approxMs: 14 * DAY, weekly: true },
  ...[1, 2, 3, 6, 12].map((size) => ({ unit: 'month' as const, size, approxMs: size * 30 * DAY })),
];

const YEARLY: Step = { unit: 'month', size: 12, approxMs: 365 * DAY };

function firstTick(start: number, step: Step, zone: string): TZDate {
  const local = new TZDate(start, zone);
  switch (step.unit) {
    case 'hour': {
      let at = startOfHour(local);
      while (at.getTime() < start || at.getHours() % step.size !== 0) at = addHours(at, 1);
      return at;
    }
    case 'day': {
      let at = step.weekly ? startOfISOWeek(local) : startOfDay(local);
      while (at.getTime() < start) at = addDays(at, step.weekly ? 7 : 1);
      return at;
    }
    case 'month': {
      let at = startOfMonth(local);
      while (at.getTime() < start || at.getMonth() % step.size !== 0) at = addMonths(at, 1);
      return at;
    }
    default: {
      const never: never = step.unit;
      throw new Error(`Unknown tick unit: ${String(never)}`);
    }
  }
}

function advance(at: TZDate, step: Step): TZDate {
  switch (step.unit) {
    case 'hour':
      return addHours(at, step.size);
    case 'day':
      return addDays(at, step.size);
    case 'month':
      return addMonths(at, step.size);
    default: {
      const never: never = step.unit;
      throw new Error(`Unknown tick unit: ${String(never)}`);
    }
  }
}

/** Ticks in [start, end] (epoch ms), at most `maxTicks`, and the unit their labels should show. */
export function timeTicks({
  start,
  end,
  timeZone,
  maxTicks = 8,
}: {
  start: number;
  end: number;
  timeZone: string;
  maxTicks?: number;
}): { ticks: number[]; unit: TickUnit } {
  if (!(end > start)) return { ticks: [start], unit: 'hour' };
  const span = end - start;
  const step = STEPS.find((s) => span / s.approxMs <= maxTicks) ?? YEARLY;
  const ticks: number[] = [];
  for (let at = firstTick(start, step, timeZone); at.getTime() <= end; at = advance(at, step)) {
    ticks.push(at.getTime());
    if (ticks.length > maxTicks * 2) break;
  }
  return { ticks, unit: step.unit };
}
