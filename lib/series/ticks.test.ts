import { describe, expect, it } from 'vitest';
import { timeTicks } from './ticks';

const iso = (ticks: number[]) => ticks.map((t) => new Date(t).toISOString());

describe('timeTicks', () => {
  it('puts a day of hours on round hours', () => {
    const { ticks, unit } = timeTicks({
      start: Date.UTC(2025, 2, 5, 14),
      end: Date.UTC(2025, 2, 6, 13),
      timeZone: 'UTC',
    });
    expect(unit).toBe('hour');
    expect(iso(ticks)).toEqual([
      '2025-03-05T15:00:00.000Z',
      '2025-03-05T18:00:00.000Z',
      '2025-03-05T21:00:00.000Z',
      '2025-03-06T00:00:00.000Z',
      '2025-03-06T03:00:00.000Z',
      '2025-03-06T06:00:00.000Z',
      '2025-03-06T09:00:00.000Z',
      '2025-03-06T12:00:00.000Z',
    ]);
  });

  it('puts a week on local midnights, each date once', () => {
    const { ticks, unit } = timeTicks({
      start: Date.UTC(2025, 2, 3, 14),
      end: Date.UTC(2025, 2, 10, 13),
      timeZone: 'Europe/Berlin',
    });
    expect(unit).toBe('day');
    expect(ticks).toHaveLength(7);
    expect(iso(ticks)[0]).toBe('2025-03-03T23:00:00.000Z');
  });

  it('puts ranges of months on Mondays and years on month starts', () => {
    const ninety = timeTicks({ start: Date.UTC(2025, 0, 1), end: Date.UTC(2025, 2, 31), timeZone: 'UTC' });
    expect(ninety.unit).toBe('day');
    expect(ninety.ticks.every((t) => new Date(t).getUTCDay() === 1)).toBe(true);
    const year = timeTicks({ start: Date.UTC(2024, 2, 10), end: Date.UTC(2025, 2, 10), timeZone: 'UTC' });
    expect(year.unit).toBe('month');
    expect(year.ticks.every((t) => new Date(t).getUTCDate() === 1)).toBe(true);
    expect(year.ticks.length).toBeLessThanOrEqual(8);
  });
});
