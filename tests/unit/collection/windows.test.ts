import { TZDate } from '@date-fns/tz';
import { addDays, addHours, addWeeks } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { addBuckets, bucketFloor, chunkWindow, listBuckets } from '@/lib/collection/buckets';
import { backfillWindow, DEFAULT_POLICY, tickWindow } from '@/lib/collection/windows';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null | undefined) => d?.toISOString();

describe('buckets in a time zone', () => {
  it('floors to hours, local days and ISO weeks (Monday)', () => {
    const t = at('2026-03-12T15:47:12Z'); // a Thursday
    expect(iso(bucketFloor(t, 'hour', 'UTC'))).toBe('2026-03-12T15:00:00.000Z');
    expect(iso(bucketFloor(t, 'day', 'UTC'))).toBe('2026-03-12T00:00:00.000Z');
    expect(iso(bucketFloor(t, 'week', 'UTC'))).toBe('2026-03-09T00:00:00.000Z');
    expect(iso(bucketFloor(t, 'day', 'America/New_York'))).toBe('2026-03-12T04:00:00.000Z');
    expect(iso(bucketFloor(t, 'hour', 'Asia/Kolkata'))).toBe('2026-03-12T15:30:00.000Z');
  });

  it('counts days across a DST change by the calendar: the spring-forward day has 23 hours', () => {
    const day = bucketFloor(at('2026-03-08T12:00:00Z'), 'day', 'America/New_York');
    const next = addBuckets(day, 'day', 1, 'America/New_York');
    expect((next.getTime() - day.getTime()) / 3_600_000).toBe(23);
    expect(iso(next)).toBe('2026-03-09T04:00:00.000Z');
  });

  it('lists the buckets that start inside a window and chunks a window without gaps', () => {
    const window = { start: at('2026-01-01T00:00:00Z'), end: at('2026-01-01T05:00:00Z') };
    expect(listBuckets(window, 'hour', 'UTC')).toHaveLength(5);
    const chunks = chunkWindow(window, 'hour', 2, 'UTC');
    expect(chunks.map((c) => [iso(c.start), iso(c.end)])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-01T02:00:00.000Z'],
      ['2026-01-01T02:00:00.000Z', '2026-01-01T04:00:00.000Z'],
      ['2026-01-01T04:00:00.000Z', '2026-01-01T05:00:00.000Z'],
    ]);
  });
});

describe('collection windows', () => {
  const now = at('2026-01-06T00:30:00Z');

  it('collects the history up to the last complete bucket the first time', () => {
    const w = tickWindow({ watermark: null, now, interval: 'hour', zone: 'UTC' });
    expect(iso(w?.end)).toBe('2026-01-06T00:00:00.000Z');
    expect((w!.end.getTime() - w!.start.getTime()) / 3_600_000).toBe(DEFAULT_POLICY.history.hour);
  });

  it('collects from the watermark minus the lookback, and nothing until a new bucket completes', () => {
    const w = tickWindow({ watermark: at('2026-01-05T22:00:00Z'), now, interval: 'hour', zone: 'UTC' });
    expect([iso(w?.start), iso(w?.end)]).toEqual(['2026-01-05T19:00:00.000Z', '2026-01-06T00:00:00.000Z']);
    expect(
      tickWindow({ watermark: at('2026-01-06T00:00:00Z'), now, interval: 'hour', zone: 'UTC' }),
    ).toBeNull();
    const forced = tickWindow({
      watermark: at('2026-01-06T00:00:00Z'),
      now,
      interval: 'hour',
      zone: 'UTC',
      force: true,
    });
    expect([iso(forced?.start), iso(forced?.end)]).toEqual([
      '2026-01-05T21:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
    ]);
  });

  it('a backfill rebuilds the buckets starting in the range, never the bucket still filling', () => {
    // Starting mid-day, the first whole bucket in range is the next day, which is past the range's end.
    const partial = { start: at('2026-01-02T10:15:00Z'), end: at('2026-01-03T00:00:00Z') };
    expect(backfillWindow({ ...partial, now, interval: 'day', zone: 'UTC' })).toBeNull();
    const hours = backfillWindow({ ...partial, now, interval: 'hour', zone: 'UTC' });
    expect([iso(hours?.start), iso(hours?.end)]).toEqual([
      '2026-01-02T11:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
    const full = backfillWindow({
      start: at('2026-01-02T00:00:00Z'),
      end: at('2026-01-09T00:00:00Z'),
      now,
      interval: 'day',
      zone: 'UTC',
    });
    expect([iso(full?.start), iso(full?.end)]).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
    ]);
    expect(
      backfillWindow({
        start: at('2026-01-06T00:00:00Z'),
        end: at('2026-01-07T00:00:00Z'),
        now,
        interval: 'day',
        zone: 'UTC',
      }),
    ).toBeNull();
  });
});

describe('bucket arithmetic shortcuts', () => {
  it('lists the same buckets as calendar arithmetic: hours in any zone, days and weeks in UTC', () => {
    const calendar = { hour: addHours, day: addDays, week: addWeeks } as const;
    const cases = [
      ...['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'].map((zone) => ({
        zone,
        interval: 'hour' as const,
      })),
      { zone: 'UTC', interval: 'day' as const },
      { zone: 'UTC', interval: 'week' as const },
    ];
    for (const { zone, interval } of cases) {
      const start = bucketFloor(new Date('2026-03-01T00:00:00Z'), interval, zone);
      const fast = listBuckets({ start, end: new Date('2026-04-15T00:00:00Z') }, interval, zone);
      const slow = fast.map(
        (_, i) => new Date(calendar[interval](new TZDate(start.getTime(), zone), i).getTime()),
      );
      expect(
        fast.map((d) => d.toISOString()),
        `${zone} ${interval}`,
      ).toEqual(slow.map((d) => d.toISOString()));
    }
  });
});
