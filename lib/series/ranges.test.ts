import { describe, expect, it } from 'vitest';
import { previousPeriod, rangePresetsFor, resolveRange, toResolvedRange } from './ranges';

const now = new Date('2025-03-10T14:25:00Z');
const utc = { now, timeZone: 'UTC' };

describe('resolveRange', () => {
  it('ends presets where the bucket in progress starts', () => {
    const range = resolveRange({ range: '24h' }, { ...utc, interval: 'hour' });
    expect(range.key).toBe('24h');
    expect(range.end.toISOString()).toBe('2025-03-10T14:00:00.000Z');
    expect(range.start.toISOString()).toBe('2025-03-09T14:00:00.000Z');
    expect(range.buckets).toHaveLength(24);
  });

  it('gives every preset of an hourly metric the right number of buckets', () => {
    const lengths = rangePresetsFor('hour').map(
      (key) => resolveRange({ range: key }, { ...utc, interval: 'hour' }).buckets.length,
    );
    expect(lengths).toEqual([24, 168, 720, 2160, 8760]);
  });

  it('falls back to the interval default for a missing or unusable preset', () => {
    expect(resolveRange({}, { ...utc, interval: 'hour' }).key).toBe('7d');
    expect(resolveRange({}, { ...utc, interval: 'day' }).key).toBe('90d');
    expect(resolveRange({ range: '24h' }, { ...utc, interval: 'day' }).key).toBe('90d');
    expect(resolveRange({ range: '7d' }, { ...utc, interval: 'week' }).key).toBe('1y');
  });

  it('reads custom dates as whole local days, the end date included', () => {
    const range = resolveRange(
      { range: 'custom', from: '2025-03-01', to: '2025-03-03' },
      { now, interval: 'hour', timeZone: 'Europe/Berlin' },
    );
    expect(range.key).toBe('custom');
    expect(range.start.toISOString()).toBe('2025-02-28T23:00:00.000Z');
    expect(range.end.toISOString()).toBe('2025-03-03T23:00:00.000Z');
    expect(range.buckets).toHaveLength(72);
    expect(toResolvedRange(range, 'Europe/Berlin')).toMatchObject({ from: '2025-03-01', to: '2025-03-03' });
  });

  it('treats from and to without a range as custom, and clips a custom range at the bucket in progress', () => {
    const range = resolveRange({ from: '2025-03-09', to: '2025-12-31' }, { ...utc, interval: 'day' });
    expect(range.key).toBe('custom');
    expect(range.end.toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(range.buckets).toHaveLength(1);
  });

  it('falls back to the default for a reversed, future or oversized custom range', () => {
    const day = { ...utc, interval: 'day' as const };
    expect(resolveRange({ range: 'custom', from: '2025-03-05', to: '2025-03-01' }, day).key).toBe('90d');
    expect(resolveRange({ range: 'custom', from: '2026-01-01', to: '2026-02-01' }, day).key).toBe('90d');
    expect(
      resolveRange({ range: 'custom', from: '1990-01-01', to: '2025-01-01' }, { ...utc, interval: 'hour' })
        .key,
    ).toBe('7d');
    expect(resolveRange({ range: 'custom' }, day).key).toBe('90d');
  });

  it('aligns day buckets to local midnight across a DST change', () => {
    const range = resolveRange(
      { range: 'custom', from: '2025-03-29', to: '2025-03-31' },
      { now: new Date('2025-04-10T00:00:00Z'), interval: 'day', timeZone: 'Europe/Berlin' },
    );
    expect(range.buckets.map((b) => b.toISOString())).toEqual([
      '2025-03-28T23:00:00.000Z',
      '2025-03-29T23:00:00.000Z',
      '2025-03-30T22:00:00.000Z',
    ]);
  });
});

describe('previousPeriod', () => {
  it('is the same number of buckets right before the range', () => {
    const range = resolveRange({ range: '7d' }, { ...utc, interval: 'hour' });
    const previous = previousPeriod(range, 'hour', 'UTC');
    expect(previous.buckets).toHaveLength(168);
    expect(previous.end.getTime()).toBe(range.start.getTime());
    expect(previous.start.toISOString()).toBe('2025-02-24T14:00:00.000Z');
  });
});
