import type { SeverityLevel } from '@/lib/series/schemas';

/** Chart colours, shared by the client charts and the server-rendered legends and tables. */
export const SERIES_COLORS = {
  value: '#2f6fed',
  band: '#2f6fed',
  expected: '#94a3b8',
  previous: '#94a3b8',
  ma: '#d97706',
  trailing: '#7c3aed',
  annotation: '#0d9488',
} as const;

export const SEVERITY_COLORS: Record<SeverityLevel, string> = {
  high: '#dc2626',
  medium: '#ea580c',
  low: '#eab308',
};

/** Distinct hues for up to ten breakdown values; "(other)" is always grey. */
const BREAKDOWN_COLORS = [
  '#2f6fed',
  '#0d9488',
  '#d97706',
  '#9333ea',
  '#db2777',
  '#16a34a',
  '#0891b2',
  '#ca8a04',
  '#4f46e5',
  '#dc2626',
];
const OTHER_COLOR = '#94a3b8';

export function breakdownColor(label: string, index: number): string {
  return label === '(other)'
    ? OTHER_COLOR
    : (BREAKDOWN_COLORS[index % BREAKDOWN_COLORS.length] ?? OTHER_COLOR);
}
