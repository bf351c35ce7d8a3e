/**
 * The annotation form's times: `<input type="datetime-local">` values ("2025-03-05T14:30") read and written in
 * the project's time zone, so a note typed at 14:30 sits at 14:30 on the project's charts. Client-safe, pure.
 */
import { TZDate } from '@date-fns/tz';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** An instant as a datetime-local value in the time zone, to the minute. */
export function toDateTimeLocal(t: number | string | Date, timeZone: string): string {
  const at = new TZDate(new Date(t).getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A datetime-local value in the time zone as an ISO instant; "" stays "" and anything unreadable too. */
export function fromDateTimeLocal(value: string, timeZone: string): string {
  const match = LOCAL.exec(value.slice(0, 16));
  if (!match) return value;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, timeZone).getTime()).toISOString();
}
