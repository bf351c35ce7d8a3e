// Seasonal phases are read from the bucket start, not from the row index, so gaps and sub-bucket sampling
// keep every point on its true hour of day and day of week (UTC).
import { DAY_MS } from './profile';

/** Slot of the (UTC) day for `slots` equal slots: hours for 24, quarter hours for 96. */
export function computeSlotOfDay(t: number, slots: number): number {
  const s = Math.floor(t / (DAY_MS / slots)) % slots;
  return s < 0 ? s + slots : s;
}

/** Slots of the day for data with `pointsPerHour` points per hour: up to quarter hours. */
export function countDaySlots(pointsPerHour: number): number {
  return 24 * Math.max(1, Math.min(4, pointsPerHour));
}

/**
 * Day number since the epoch. Daily buckets are rounded rather than floored so buckets that start at a
 * local midnight (up to ±12 h from UTC, DST included) keep a stable weekday.
 */
export function computeDayIndex(t: number, hourly: boolean): number {
  return hourly ? Math.floor(t / DAY_MS) : Math.round(t / DAY_MS);
}

export function computeDayOfWeek(dayIndex: number): number {
  const d = dayIndex % 7;
  return d < 0 ? d + 7 : d;
}
