import { describe, expect, it } from 'vitest';
import { anomalyChartRange } from './chart-range';

const NOW = new Date('2026-11-23T12:00:00Z');

describe('anomalyChartRange', () => {
  it('centres three days of hours on an hourly anomaly', () => {
    expect(
      anomalyChartRange({
        bucketStart: new Date('2026-10-19T09:00:00Z'),
        interval: 'hour',
        now: NOW,
        timeZone: 'UTC',
      }),
    ).toEqual({ from: '2026-10-18', to: '2026-10-20' });
  });

  it('shows a month around a daily anomaly and a quarter around a weekly one', () => {
    const bucketStart = new Date('2026-08-01T00:00:00Z');
    expect(anomalyChartRange({ bucketStart, interval: 'day', now: NOW, timeZone: 'UTC' })).toEqual({
      from: '2026-07-17',
      to: '2026-08-16',
    });
    expect(anomalyChartRange({ bucketStart, interval: 'week', now: NOW, timeZone: 'UTC' })).toEqual({
      from: '2026-06-20',
      to: '2026-09-12',
    });
  });

  it('ends today for a recent anomaly, keeping the same length', () => {
    expect(
      anomalyChartRange({
        bucketStart: new Date('2026-11-23T08:00:00Z'),
        interval: 'hour',
        now: NOW,
        timeZone: 'UTC',
      }),
    ).toEqual({ from: '2026-11-21', to: '2026-11-23' });
  });

  it('reads dates in the project time zone', () => {
    // 02:00 UTC on the 19th is still the evening of the 18th in New York.
    expect(
      anomalyChartRange({
        bucketStart: new Date('2026-10-19T02:00:00Z'),
        interval: 'hour',
        now: NOW,
        timeZone: 'America/New_York',
      }),
    ).toEqual({ from: '2026-10-17', to: '2026-10-19' });
  });
});
