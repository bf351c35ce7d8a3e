// Deterministic series for the detector tests, built on the benchmark's seeded generator.
import { createRng, samplePoisson } from '@/lib/anomalies/synthetic';
import type { Point } from '@/lib/anomalies/types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const START = Date.UTC(2024, 0, 1);

/** Hourly counts with a daily cycle (peak mid-afternoon) and quieter weekends. */
export function buildSeasonalHourly(days: number, seed = 1, level = 400): Point[] {
  const rng = createRng(seed);
  const points: Point[] = [];
  for (let i = 0; i < days * 24; i++) {
    const t = START + i * HOUR;
    const hour = i % 24;
    const weekend = Math.floor(i / 24) % 7 >= 5;
    const mean = level * (1 + 0.6 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (weekend ? 0.7 : 1);
    points.push({ t, value: samplePoisson(rng, mean) });
  }
  return points;
}

export function countAlerts(scored: readonly { severity: string }[], from = 0, to = scored.length): number {
  let alerts = 0;
  for (let i = from; i < to; i++) if (isAlert(scored[i]?.severity)) alerts++;
  return alerts;
}

export function isAlert(severity: string | undefined): boolean {
  return severity === 'medium' || severity === 'high';
}
