/**
 * Annotations as the chart draws them: clipped to the shown range, and neighbours with the same note merged, so
 * an incident marked expected bucket by bucket reads as one shaded stretch with one label. Pure.
 */
import type { SeriesAnnotation } from './schemas';

export function toChartAnnotations(
  rows: readonly { startsAt: Date; endsAt: Date | null; note: string }[],
  range: { start: Date; end: Date },
): SeriesAnnotation[] {
  const lo = range.start.getTime();
  const hi = range.end.getTime();
  const clipped = rows
    .map((r) => {
      const start = r.startsAt.getTime();
      const end = r.endsAt?.getTime() ?? start;
      return { start: Math.max(start, lo), end: Math.min(end, hi), note: r.note };
    })
    .filter((a) => a.start <= a.end && a.start < hi)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: SeriesAnnotation[] = [];
  for (const a of clipped) {
    const open = merged.findLast((m) => m.note === a.note);
    if (open && a.start <= open.end) open.end = Math.max(open.end, a.end);
    else merged.push({ ...a });
  }
  return merged;
}
