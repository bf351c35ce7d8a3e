import { describe, expect, it } from 'vitest';
import { fromDateTimeLocal, toDateTimeLocal } from '@/lib/annotations/time';

describe('annotation form times', () => {
  it('reads and writes datetime-local values in the project time zone', () => {
    expect(fromDateTimeLocal('2025-03-05T14:30', 'UTC')).toBe('2025-03-05T14:30:00.000Z');
    expect(fromDateTimeLocal('2025-03-05T14:30', 'Europe/Berlin')).toBe('2025-03-05T13:30:00.000Z');
    expect(fromDateTimeLocal('2025-07-05T14:30', 'America/New_York')).toBe('2025-07-05T18:30:00.000Z');
    expect(toDateTimeLocal('2025-03-05T13:30:00.000Z', 'Europe/Berlin')).toBe('2025-03-05T14:30');
    expect(toDateTimeLocal(Date.UTC(2025, 0, 1, 23, 5), 'Asia/Tokyo')).toBe('2025-01-02T08:05');
  });

  it('passes empty or unreadable text through for the server to refuse', () => {
    expect(fromDateTimeLocal('', 'UTC')).toBe('');
    expect(fromDateTimeLocal('soon', 'UTC')).toBe('soon');
  });
});
