// Maps a noise-normalised deviation (z) to the public score and severity. The model itself never looks at
// sensitivity, so raising sensitivity can only lower thresholds: it never changes what the baseline learns.
import type { Severity } from './types';

export const SEVERITY_THRESHOLDS = { low: 0.4, medium: 0.6, high: 0.8 } as const;
export const DEFAULT_SENSITIVITY = 5;

// score = z² / (z² + κ·zAlert²) puts exactly SEVERITY_THRESHOLDS.medium at z = zAlert.
export const SCORE_KAPPA = (1 - SEVERITY_THRESHOLDS.medium) / SEVERITY_THRESHOLDS.medium;
export const Z_CAP = 1e6;

export function normaliseSensitivity(sensitivity: number | undefined): number {
  if (sensitivity === undefined || !Number.isFinite(sensitivity)) return DEFAULT_SENSITIVITY;
  return Math.min(10, Math.max(1, sensitivity));
}

/** z at which a bucket reaches `medium` severity: 7 at sensitivity 1, 5 at 5, 2.5 at 10. */
export function computeAlertZ(sensitivity: number): number {
  return 2.5 + 0.5 * (10 - sensitivity);
}

export const SEVERITY_RANK: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3 };
