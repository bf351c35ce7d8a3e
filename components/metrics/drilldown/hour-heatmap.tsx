import type { Heatmap } from '@/lib/series/heatmap';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** 7 × 24 cells shaded by the mean value; each cell's title and the table's text carry the number. */
export function HourHeatmap({ heatmap, format }: { heatmap: Heatmap; format: (v: number | null) => string }) {
  const { min, max } = heatmap;
  const shade = (mean: number | null) => {
    if (mean === null || min === null || max === null) return undefined;
    const ratio = max === min ? 0.5 : (mean - min) / (max - min);
    return `rgba(37, 99, 235, ${(0.08 + ratio * 0.85).toFixed(3)})`;
  };
  return (
    <section aria-labelledby="heatmap-heading" className="space-y-3">
      <h2 id="heatmap-heading" className="text-lg font-semibold">
        Hour of day × day of week
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Mean value per hour of the week over the shown range. Darker is higher.
      </p>
      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0.5 text-[10px]">
          <caption className="sr-only">Mean value by hour of day and day of week</caption>
          <thead>
            <tr>
              <th scope="col" className="sr-only">
                Day
              </th>
              {Array.from({ length: 24 }, (_, h) => (
                <th key={h} scope="col" className="w-6 font-normal text-slate-500 dark:text-slate-400">
                  {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
                  <span className="sr-only">{h % 3 === 0 ? '' : String(h).padStart(2, '0')}:00</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {DAYS.map((day, d) => (
              <tr key={day}>
                <th scope="row" className="pr-2 text-right font-normal text-slate-500 dark:text-slate-400">
                  {day}
                </th>
                {heatmap.cells
                  .filter((c) => c.weekday === d)
                  .map((c) => (
                    <td
                      key={c.hour}
                      title={`${day} ${String(c.hour).padStart(2, '0')}:00 — ${format(c.mean)}`}
                      className="h-6 w-6 rounded-sm bg-slate-100 dark:bg-slate-800"
                      style={{ backgroundColor: shade(c.mean) }}
                    >
                      <span className="sr-only">{format(c.mean)}</span>
                    </td>
                  ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
