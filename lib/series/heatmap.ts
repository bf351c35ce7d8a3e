/**
 * Hour of day × day of week: the mean value of an hourly series in each of the 168 cells, in the project's time
 * zone (Monday first). It shows the weekly cycle the detector models, and where a stretch broke it. Pure.
 */
import { TZDate } from '@date-fns/tz';

export type HeatmapCell = { weekday: number; hour: number; mean: number | null; count: number };

export type Heatmap = { cells: HeatmapCell[]; min: number | null; max: number | null };

export function hourWeekdayHeatmap(
  points: readonly { t: number; value: number | null }[],
  zone: string,
): Heatmap {
  const sums = new Float64Array(168);
  const counts = new Uint32Array(168);
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) continue;
    const local = new TZDate(p.t, zone);
    // getDay(): Sunday 0 … Saturday 6; shifted so Monday is 0.
    const weekday = (local.getDay() + 6) % 7;
    const cell = weekday * 24 + local.getHours();
    sums[cell] = (sums[cell] ?? 0) + p.value;
    counts[cell] = (counts[cell] ?? 0) + 1;
  }
  const cells: HeatmapCell[] = [];
  let min: number | null = null;
  let max: number | null = null;
  for (let i = 0; i < 168; i++) {
    const count = counts[i] ?? 0;
    const mean = count === 0 ? null : (sums[i] ?? 0) / count;
    if (mean !== null) {
      min = min === null ? mean : Math.min(min, mean);
      max = max === null ? mean : Math.max(max, mean);
    }
    cells.push({ weekday: Math.floor(i / 24), hour: i % 24, mean, count });
  }
  return { cells, min, max };
}
