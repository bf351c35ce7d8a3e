/**
 * Retention: finished collection runs, resolved anomalies and finished alert deliveries older than their setting,
 * and rate-limit windows older than a day, are deleted by the scheduled tick at most once an hour.
 *
 * Settings come from the environment (RETENTION_*_DAYS); a project's own `retention` (projects.retention) wins
 * where it is set. Deletes run in bounded batches, each its own short statement, so no lock is held for long and a
 * large backlog is worked off over several hours. Pending and running runs and pending deliveries are never
 * deleted: their work is not done. Every project that lost rows gets one audit entry by `system:cron`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { emitSystemAudit } from '@/lib/audit/system';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { consumeRateLimits } from '@/lib/rate-limit';

export type RetentionSettings = {
  runsDays: number;
  resolvedAnomaliesDays: number;
  deliveriesDays: number;
  /** Rate-limit windows are only needed while they are open; a day covers every limit Sightline sets. */
  rateLimitsHours: number;
};

export type RetentionReport = {
  collectionRuns: number;
  resolvedAnomalies: number;
  alertDeliveries: number;
  rateLimits: number;
  /** True when a table still had more to delete after the batches of this pass. */
  more: boolean;
};

export const RETENTION_BATCH_SIZE = 1_000;
/** Batches per table and pass: at most 10,000 rows of each table an hour. */
export const RETENTION_MAX_BATCHES = 10;
/** The rate_limits key whose hourly window marks "retention already ran this hour" across instances. */
export const RETENTION_MARKER_KEY = 'ops:retention';

export function retentionSettings(): RetentionSettings {
  const e = env();
  return {
    runsDays: e.RETENTION_RUNS_DAYS,
    resolvedAnomaliesDays: e.RETENTION_RESOLVED_ANOMALIES_DAYS,
    deliveriesDays: e.RETENTION_DELIVERIES_DAYS,
    rateLimitsHours: 24,
  };
}

type ProjectTable = 'collection_runs' | 'anomalies' | 'alert_deliveries';
type ProjectKey = 'runsDays' | 'resolvedAnomaliesDays' | 'deliveriesDays';

/** The cut-off instant for a row's project: now minus the project's own days, or the default. */
function cutoff(nowIso: string, key: ProjectKey, defaultDays: number): SQL {
  const own = sql`p.retention -> ${key}`;
  const days = sql`case when jsonb_typeof(${own}) = 'number' and (${own})::numeric >= 1
    then floor((${own})::numeric)::int else ${defaultDays}::int end`;
  return sql`${nowIso}::timestamptz - make_interval(days => ${days})`;
}

/** One batch: the ids of up to `limit` expired rows, deleted, with the project each belonged to. */
function expiredBatch(table: ProjectTable, nowIso: string, settings: RetentionSettings, limit: number): SQL {
  switch (table) {
    case 'collection_runs':
      return sql`delete from collection_runs where id in (
        select r.id from collection_runs r join projects p on p.id = r.project_id
        where r.status in ('completed', 'failed')
          and r.created_at < ${cutoff(nowIso, 'runsDays', settings.runsDays)}
        limit ${limit}) returning project_id`;
    case 'anomalies':
      return sql`delete from anomalies where id in (
        select a.id from anomalies a join projects p on p.id = a.project_id
        where a.status = 'resolved'
          and coalesce(a.resolved_at, a.updated_at) < ${cutoff(nowIso, 'resolvedAnomaliesDays', settings.resolvedAnomaliesDays)}
        limit ${limit}) returning project_id`;
    case 'alert_deliveries':
      return sql`delete from alert_deliveries where id in (
        select d.id from alert_deliveries d join projects p on p.id = d.project_id
        where d.status in ('delivered', 'failed')
          and d.created_at < ${cutoff(nowIso, 'deliveriesDays', settings.deliveriesDays)}
        limit ${limit}) returning project_id`;
    default: {
      const never: never = table;
      return never;
    }
  }
}

type Tally = Map<string, Record<ProjectTable, number>>;

async function drain(
  db: DbOrTx,
  statement: () => SQL,
  opts: { batchSize: number; maxBatches: number; onRows?: (rows: { project_id?: string }[]) => void },
): Promise<{ deleted: number; more: boolean }> {
  let deleted = 0;
  for (let batch = 0; batch < opts.maxBatches; batch += 1) {
    const rows = await queryRows<{ project_id?: string }>(db, statement());
    deleted += rows.length;
    opts.onRows?.(rows);
    if (rows.length < opts.batchSize) return { deleted, more: false };
  }
  return { deleted, more: true };
}

/** One pass over every table; returns what it deleted. Exported for tests and for `now` control. */
export async function applyRetention(
  db: DbOrTx,
  {
    now,
    settings = retentionSettings(),
    batchSize = RETENTION_BATCH_SIZE,
    maxBatches = RETENTION_MAX_BATCHES,
  }: { now: Date; settings?: RetentionSettings; batchSize?: number; maxBatches?: number },
): Promise<RetentionReport & { byProject: Tally }> {
  const nowIso = now.toISOString();
  const byProject: Tally = new Map();
  const count = (table: ProjectTable) => (rows: { project_id?: string }[]) => {
    for (const { project_id: projectId } of rows) {
      if (!projectId) continue;
      const entry = byProject.get(projectId) ?? { collection_runs: 0, anomalies: 0, alert_deliveries: 0 };
      entry[table] += 1;
      byProject.set(projectId, entry);
    }
  };
  const opts = { batchSize, maxBatches };
  const runs = await drain(db, () => expiredBatch('collection_runs', nowIso, settings, batchSize), {
    ...opts,
    onRows: count('collection_runs'),
  });
  const resolved = await drain(db, () => expiredBatch('anomalies', nowIso, settings, batchSize), {
    ...opts,
    onRows: count('anomalies'),
  });
  const deliveries = await drain(db, () => expiredBatch('alert_deliveries', nowIso, settings, batchSize), {
    ...opts,
    onRows: count('alert_deliveries'),
  });
  const rateLimitCutoff = new Date(now.getTime() - settings.rateLimitsHours * 3_600_000).toISOString();
  const rateLimits = await drain(
    db,
    () => sql`delete from rate_limits where (key, window_start) in (
      select key, window_start from rate_limits where window_start < ${rateLimitCutoff}::timestamptz
      limit ${batchSize}) returning key`,
    opts,
  );
  return {
    collectionRuns: runs.deleted,
    resolvedAnomalies: resolved.deleted,
    alertDeliveries: deliveries.deleted,
    rateLimits: rateLimits.deleted,
    more: runs.more || resolved.more || deliveries.more || rateLimits.more,
    byProject,
  };
}

/** The audit entries of one pass: one per project that lost rows. */
export async function auditRetention(
  db: DbOrTx,
  { report, settings }: { report: { byProject: Tally }; settings: RetentionSettings },
): Promise<number> {
  return emitSystemAudit(db, {
    job: 'cron',
    events: [...report.byProject].map(([projectId, deleted]) => ({
      projectId,
      action: 'retention.apply',
      resource: { type: 'project', id: projectId },
      metadata: {
        deleted: {
          collectionRuns: deleted.collection_runs,
          resolvedAnomalies: deleted.anomalies,
          alertDeliveries: deleted.alert_deliveries,
        },
        defaults: {
          runsDays: settings.runsDays,
          resolvedAnomaliesDays: settings.resolvedAnomaliesDays,
          deliveriesDays: settings.deliveriesDays,
        },
      },
    })),
  });
}

/**
 * Retention for the scheduled tick: at most once per clock hour across every instance (the first tick of the hour
 * takes the marker window in rate_limits), never failing the tick. Null when it was not this tick's turn.
 */
export async function runRetentionIfDue(
  db: DbOrTx,
  { now = new Date() }: { now?: Date } = {},
): Promise<RetentionReport | null> {
  try {
    await consumeRateLimits(db, [{ key: RETENTION_MARKER_KEY, limit: 1, windowSeconds: 3_600 }], now);
  } catch (error) {
    if (error instanceof AppError && error.code === 'rate_limited') return null;
    log.error('retention could not check its hourly marker', { error });
    return null;
  }
  try {
    const settings = retentionSettings();
    const { byProject, ...report } = await applyRetention(db, { now, settings });
    await auditRetention(db, { report: { byProject }, settings });
    const deleted =
      report.collectionRuns + report.resolvedAnomalies + report.alertDeliveries + report.rateLimits;
    if (deleted > 0) log.info('retention', { ...report });
    return report;
  } catch (error) {
    log.error('retention failed', { error });
    return null;
  }
}
