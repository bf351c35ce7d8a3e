/**
 * A project's retention windows: what the settings form sends and what the page shows. Client-safe: no database,
 * no Node built-ins.
 */
import { z } from 'zod';

/** The same range the RETENTION_*_DAYS settings accept: at least a day, at most ten years. */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3650;

/** The three windows, in the order the page lists them, with the words the page and the errors use. */
export const RETENTION_WINDOWS = [
  {
    key: 'runsDays',
    label: 'Collection runs',
    deletes: 'Deletes completed and failed runs older than this.',
  },
  {
    key: 'resolvedAnomaliesDays',
    label: 'Resolved anomalies',
    deletes: 'Deletes anomalies resolved longer ago than this.',
  },
  {
    key: 'deliveriesDays',
    label: 'Alert deliveries',
    deletes: 'Deletes delivered and failed deliveries older than this.',
  },
] as const;
export type RetentionKey = (typeof RETENTION_WINDOWS)[number]['key'];

/** One window's days for this project, or null for the instance default. */
function windowDays(label: string) {
  const message = `${label}: enter a whole number of days from ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX}, or leave it empty to use the instance default.`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(RETENTION_DAYS_MIN, { error: message })
    .max(RETENTION_DAYS_MAX, { error: message })
    .nullable();
}

/** All three windows at once: the form always sends the whole set; all null clears the project's own setting. */
export const updateProjectRetentionInputSchema = z
  .object({
    runsDays: windowDays('Collection runs'),
    resolvedAnomaliesDays: windowDays('Resolved anomalies'),
    deliveriesDays: windowDays('Alert deliveries'),
  })
  .strict();
export type UpdateProjectRetentionInput = z.infer<typeof updateProjectRetentionInputSchema>;

/** The project's own days per window, null where the instance default applies (also the audit snapshot). */
export type RetentionOverrides = Record<RetentionKey, number | null>;

export type RetentionWindowDto = {
  /** What retention applies to this project. */
  days: number;
  source: 'project' | 'default';
  /** The instance's RETENTION_*_DAYS, shown beside the field. */
  defaultDays: number;
};

export type ProjectRetentionDto = {
  windows: Record<RetentionKey, RetentionWindowDto>;
  overrides: RetentionOverrides;
};
