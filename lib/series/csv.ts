/**
 * CSV for series exports. Values are numbers, so only text (dimension values come from the warehouse) can
 * carry a formula: a field a spreadsheet would evaluate (= + - @, or a leading tab or carriage return) gets a
 * leading apostrophe, and fields with separators or quotes are quoted (RFC 4180).
 */

export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text made inert for spreadsheets, then quoted when it needs to be. */
export function csvText(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return csvText(cell);
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A download name made of safe characters only: "orders-2025-03-01-to-2025-03-07.csv". */
export function exportFilename({
  metricName,
  from,
  to,
  dimension,
}: {
  metricName: string;
  from: string;
  to: string;
  dimension?: string;
}): string {
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60);
  const name = slug(metricName) || 'metric';
  const by = dimension ? `-by-${slug(dimension) || 'dimension'}` : '';
  return `${name}${by}-${slug(from)}-to-${slug(to)}.csv`;
}
