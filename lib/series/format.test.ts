import { describe, expect, it } from 'vitest';
import { deltaTone, formatBucket, formatDeltaPct, formatTick, formatValue, toDateInput } from './format';

describe('formatValue', () => {
  it('reads a gap as a dash in every format', () => {
    for (const format of ['number', 'currency', 'percent', 'duration'] as const) {
      expect(formatValue(null, { format, unit: '' })).toBe('—');
      expect(formatValue(Number.NaN, { format, unit: '' })).toBe('—');
    }
  });

  it('writes numbers with grouping, fewer decimals as they grow, and the unit after them', () => {
    expect(formatValue(1234.567, { format: 'number', unit: '' })).toBe('1,235');
    expect(formatValue(12.345, { format: 'number', unit: 'ms' })).toBe('12.35 ms');
    expect(formatValue(0.012345, { format: 'number', unit: '' })).toBe('0.0123');
    expect(formatValue(0, { format: 'number', unit: 'orders' })).toBe('0 orders');
    expect(formatValue(-42, { format: 'number', unit: '' })).toBe('-42');
  });

  it('shortens large numbers only when asked to', () => {
    expect(formatValue(123_456, { format: 'number', unit: '' }, { compact: true })).toBe('123.5K');
    expect(formatValue(123_456, { format: 'number', unit: '' })).toBe('123,456');
    expect(formatValue(9_999, { format: 'number', unit: '' }, { compact: true })).toBe('9,999');
  });

  it('uses the currency symbol for an ISO code and falls back to the unit otherwise', () => {
    expect(formatValue(61.971, { format: 'currency', unit: 'USD' })).toBe('$61.97');
    expect(formatValue(112_345, { format: 'currency', unit: 'USD' })).toBe('$112,345');
    expect(formatValue(112_345, { format: 'currency', unit: 'USD' }, { compact: true })).toBe('$112.3K');
    expect(formatValue(3.5, { format: 'currency', unit: 'EUR' })).toBe('€3.50');
    expect(formatValue(3.5, { format: 'currency', unit: 'credits' })).toBe('3.5 credits');
  });

  it('reads percent metrics as fractions', () => {
    expect(formatValue(0.034, { format: 'percent', unit: '' })).toBe('3.4%');
    expect(formatValue(0.00123, { format: 'percent', unit: '' })).toBe('0.12%');
    expect(formatValue(0, { format: 'percent', unit: '' })).toBe('0%');
    expect(formatValue(1.5, { format: 'percent', unit: '' })).toBe('150%');
  });

  it('writes durations in the largest sensible units, reading the unit as seconds by default', () => {
    expect(formatValue(144, { format: 'duration', unit: 's' })).toBe('2m 24s');
    expect(formatValue(42.25, { format: 'duration', unit: '' })).toBe('42.3 s');
    expect(formatValue(0.85, { format: 'duration', unit: 's' })).toBe('850 ms');
    expect(formatValue(850, { format: 'duration', unit: 'ms' })).toBe('850 ms');
    expect(formatValue(90, { format: 'duration', unit: 'min' })).toBe('1h 30m');
    expect(formatValue(3600, { format: 'duration', unit: 's' })).toBe('1h');
    expect(formatValue(100_000, { format: 'duration', unit: 's' })).toBe('1d 4h');
    expect(formatValue(119.7, { format: 'duration', unit: 's' })).toBe('2m');
    expect(formatValue(-90, { format: 'duration', unit: 's' })).toBe('-1m 30s');
  });
});

describe('formatDeltaPct and deltaTone', () => {
  it('signs the change and drops noise to 0%', () => {
    expect(formatDeltaPct(3.21)).toBe('+3.2%');
    expect(formatDeltaPct(-12.6)).toBe('-13%');
    expect(formatDeltaPct(0.01)).toBe('0%');
    expect(formatDeltaPct(null)).toBe('—');
    expect(formatDeltaPct(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('is good news when the metric moves the way it should', () => {
    expect(deltaTone(5, 'higher_is_better')).toBe('good');
    expect(deltaTone(-5, 'higher_is_better')).toBe('bad');
    expect(deltaTone(-5, 'lower_is_better')).toBe('good');
    expect(deltaTone(5, 'lower_is_better')).toBe('bad');
    expect(deltaTone(5, 'neutral')).toBe('neutral');
    expect(deltaTone(0.01, 'higher_is_better')).toBe('neutral');
    expect(deltaTone(null, 'higher_is_better')).toBe('neutral');
  });
});

describe('dates in the project time zone', () => {
  const t = Date.UTC(2025, 2, 5, 23, 30);
  it('names a bucket by its interval', () => {
    expect(formatBucket(t, 'hour', 'UTC')).toBe('Mar 5, 2025, 23:30');
    expect(formatBucket(t, 'day', 'UTC')).toBe('Wed, Mar 5, 2025');
    expect(formatBucket(t, 'day', 'Europe/Berlin')).toBe('Thu, Mar 6, 2025');
    expect(formatBucket(t, 'week', 'UTC')).toBe('Week of Mar 5, 2025');
  });

  it('labels axis ticks by the unit they fall on', () => {
    expect(formatTick(Date.UTC(2025, 2, 5, 6), { unit: 'hour', timeZone: 'UTC' })).toBe('06:00');
    expect(formatTick(Date.UTC(2025, 2, 5), { unit: 'hour', timeZone: 'UTC' })).toBe('Mar 5');
    expect(formatTick(Date.UTC(2025, 2, 5), { unit: 'day', timeZone: 'UTC' })).toBe('Mar 5');
    expect(formatTick(Date.UTC(2025, 2, 1), { unit: 'month', timeZone: 'UTC' })).toBe('Mar 2025');
  });

  it('gives the calendar date the custom range inputs use', () => {
    expect(toDateInput(t, 'UTC')).toBe('2025-03-05');
    expect(toDateInput(t, 'Asia/Tokyo')).toBe('2025-03-06');
  });
});
