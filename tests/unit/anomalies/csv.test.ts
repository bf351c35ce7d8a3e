import { describe, expect, it } from 'vitest';
import {
  formatScore,
  inferTimeline,
  inferValueKind,
  parseDetectCsv,
  parseTimestamp,
} from '@/lib/anomalies/csv';

describe('parseTimestamp', () => {
  it('reads ISO-8601 in its common shapes, without an offset as UTC', () => {
    const t = Date.UTC(2024, 2, 5, 13, 30, 0);
    expect(parseTimestamp('2024-03-05T13:30:00Z')).toBe(t);
    expect(parseTimestamp('2024-03-05 13:30:00')).toBe(t);
    expect(parseTimestamp('2024-03-05T13:30')).toBe(t);
    expect(parseTimestamp('2024-03-05T15:30:00+02:00')).toBe(t);
    expect(parseTimestamp('2024-03-05T13:30:00.250Z')).toBe(t + 250);
    expect(parseTimestamp('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(parseTimestamp('1709645400')).toBe(1709645400000);
    expect(parseTimestamp('1709645400000')).toBe(1709645400000);
    expect(parseTimestamp('1709645400.5')).toBe(1709645400500);
  });

  it('rejects what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-01T25:00', '12:00']) {
      expect(parseTimestamp(bad), bad).toBeNaN();
    }
  });
});

describe('parseDetectCsv', () => {
  it('keeps raw fields, reads empty and NaN-like values as gaps and skips blank lines', () => {
    const { rows, unparsedValues } = parseDetectCsv('\uFEFFtimestamp,value\r\n1,5\r\n\r\n2,\n3,NaN\n4,abc\n');
    expect(rows.map((r) => [r.line, r.rawTimestamp, r.rawValue, r.value])).toEqual([
      [2, '1', '5', 5],
      [4, '2', '', null],
      [5, '3', 'NaN', null],
      [6, '4', 'abc', null],
    ]);
    expect(unparsedValues).toBe(1);
  });
});

describe('inference', () => {
  it('infers the interval from the median step and maps row numbers onto hours', () => {
    const hour = 3_600_000;
    expect(inferTimeline([0, hour, 2 * hour, 5 * hour]).interval).toBe('hour');
    expect(inferTimeline([0, 86_400_000, 2 * 86_400_000]).interval).toBe('day');
    expect(inferTimeline([0, 7 * 86_400_000, 14 * 86_400_000]).interval).toBe('week');
    const ordinal = inferTimeline([1000, 2000, 3000]);
    expect(ordinal.interval).toBe('hour');
    expect(ordinal.times[1]! - ordinal.times[0]!).toBe(hour);
  });

  it('calls a series count-shaped only when every value is a non-negative integer', () => {
    expect(inferValueKind([1, 2, null, 0])).toBe('count');
    expect(inferValueKind([1, 2.5])).toBe('fractional');
    expect(inferValueKind([1, -1])).toBe('fractional');
    expect(inferValueKind([null])).toBe('fractional');
  });

  it('formats scores in [0, 1] without exponents', () => {
    expect(formatScore(0.123456789)).toBe('0.123457');
    expect(formatScore(1e-9)).toBe('0');
    expect(formatScore(NaN)).toBe('0');
    expect(formatScore(2)).toBe('1');
  });
});
