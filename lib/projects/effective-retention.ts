/**
 * What retention applies to a project, worked out the way lib/ops/retention.ts does in SQL: a stored key counts
 * when it is a JSON number of at least 1 (its whole days), anything else falls back to the instance default. The
 * page must show what the tick will do, including for a `projects.retention` written by hand. Pure.
 */
import {
  RETENTION_WINDOWS,
  type ProjectRetentionDto,
  type RetentionKey,
  type RetentionOverrides,
} from './schemas';

export type RetentionDefaults = Record<RetentionKey, number>;
/** The stored shape: only the windows the project sets; null when it sets none. */
export type StoredRetention = Partial<Record<RetentionKey, number>> | null;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The project's own days per window as retention reads them, null where the default applies. */
export function toRetentionOverrides(stored: unknown): RetentionOverrides {
  const own = (key: RetentionKey): number | null => {
    const value = isRecord(stored) ? stored[key] : undefined;
    return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : null;
  };
  return {
    runsDays: own('runsDays'),
    resolvedAnomaliesDays: own('resolvedAnomaliesDays'),
    deliveriesDays: own('deliveriesDays'),
  };
}

export function toProjectRetention(stored: unknown, defaults: RetentionDefaults): ProjectRetentionDto {
  const overrides = toRetentionOverrides(stored);
  const windows = Object.fromEntries(
    RETENTION_WINDOWS.map(({ key }) => {
      const own = overrides[key];
      return [
        key,
        own === null
          ? { days: defaults[key], source: 'default', defaultDays: defaults[key] }
          : { days: own, source: 'project', defaultDays: defaults[key] },
      ];
    }),
  ) as ProjectRetentionDto['windows'];
  return { windows, overrides };
}

/** Keeps only the windows that are set, so a later change of the instance default reaches the others. */
export function toStoredRetention(overrides: RetentionOverrides): StoredRetention {
  const set = Object.fromEntries(
    RETENTION_WINDOWS.flatMap(({ key }) => (overrides[key] === null ? [] : [[key, overrides[key]]])),
  ) as Partial<Record<RetentionKey, number>>;
  return Object.keys(set).length > 0 ? set : null;
}
