import { describe, expect, it } from 'vitest';
import { hourWeekdayHeatmap } from './heatmap';

const at = (iso: string, value: number | null) => ({ t: new Date(iso).getTime(), value });

describe('hour × weekday heatmap', () => {
  it('averages each cell in the project time zone, Monday first, ignoring gaps', () => {
    const { cells, min, max } = hourWeekdayHeatmap(
      [
        at('2026-03-02T09:00:00Z', 10), // Monday 09:00 UTC
        at('2026-03-09T09:00:00Z', 20), // the next Monday
        at('2026-03-08T23:00:00Z', 5), // Sunday 23:00 UTC
        at('2026-03-03T09:00:00Z', null),
      ],
      'UTC',
    );
    expect(cells).toHaveLength(168);
    expect(cells[9]).toEqual({ weekday: 0, hour: 9, mean: 15, count: 2 });
    expect(cells[6 * 24 + 23]).toMatchObject({ mean: 5, count: 1 });
    expect(cells[24 + 9]).toMatchObject({ mean: null, count: 0 });
    expect([min, max]).toEqual([5, 15]);
  });

  it('places buckets by local time: Monday 09:00 UTC is Monday 18:00 in Tokyo', () => {
    const { cells } = hourWeekdayHeatmap([at('2026-03-02T09:00:00Z', 1)], 'Asia/Tokyo');
    expect(cells.find((c) => c.count > 0)).toMatchObject({ weekday: 0, hour: 18 });
  });
});
