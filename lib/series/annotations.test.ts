import { describe, expect, it } from 'vitest';
import { toChartAnnotations } from './annotations';

const at = (h: number) => new Date(Date.UTC(2026, 9, 19, h));
const range = { start: at(0), end: at(24) };

describe('toChartAnnotations', () => {
  it('merges consecutive buckets with the same note into one stretch', () => {
    const rows = [9, 10, 11].map((h) => ({ startsAt: at(h), endsAt: at(h + 1), note: 'Maintenance' }));
    expect(toChartAnnotations(rows, range)).toEqual([
      { start: at(9).getTime(), end: at(12).getTime(), note: 'Maintenance' },
    ]);
  });

  it('keeps different notes and gaps apart', () => {
    const rows = [
      { startsAt: at(9), endsAt: at(10), note: 'A' },
      { startsAt: at(10), endsAt: at(11), note: 'B' },
      { startsAt: at(14), endsAt: at(15), note: 'A' },
    ];
    expect(toChartAnnotations(rows, range).map((a) => a.note)).toEqual(['A', 'B', 'A']);
  });

  it('clips to the shown range and keeps a moment without an end', () => {
    const rows = [
      { startsAt: new Date(Date.UTC(2026, 9, 18, 20)), endsAt: at(2), note: 'Deploy freeze' },
      { startsAt: at(5), endsAt: null, note: 'Release 3.20' },
    ];
    expect(toChartAnnotations(rows, range)).toEqual([
      { start: at(0).getTime(), end: at(2).getTime(), note: 'Deploy freeze' },
      { start: at(5).getTime(), end: at(5).getTime(), note: 'Release 3.20' },
    ]);
  });
});
