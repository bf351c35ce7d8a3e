/**
 * Audit entries for work nobody clicked: scheduled collection ticks, `npm run collect` and retention. Each leaves
 * one entry per project and run (never one per metric) under the `system` actor of the job that did it. The
 * work has already happened when these are written, so a failure here is logged and never undoes it.
 */
import type { DbOrTx } from '@/db/client';
import type { RunRequest } from '@/db/schema';
import { systemContext } from '@/lib/context';
import { log } from '@/lib/log';
import { listProjectsByIds } from './queries';
import { emitAudit, type AuditEvent } from './service';

type SystemJob = 'cron' | 'cli' | 'worker';

/** What the audit needs of a collection run row. */
export type AuditedRun = {
  id: string;
  projectId: string;
  trigger: 'cron' | 'manual' | 'backfill' | 'api';
  status: string;
  metricsAttempted: number;
  metricsWritten: number;
  metricsFailed: number;
  valuesWritten: number;
  anomaliesWritten: number;
  durationMs: number | null;
  request: RunRequest;
};

/** Writes each event in its project, all in one transaction; returns how many were written. */
export async function emitSystemAudit(
  db: DbOrTx,
  { job, events }: { job: SystemJob; events: (AuditEvent & { projectId: string })[] },
): Promise<number> {
  if (events.length === 0) return 0;
  try {
    const projects = new Map(
      (await listProjectsByIds(db, [...new Set(events.map((e) => e.projectId))])).map((p) => [p.id, p]),
    );
    return await db.transaction(async (tx) => {
      let written = 0;
      for (const { projectId, ...event } of events) {
        const project = projects.get(projectId);
        if (!project) continue; // deleted meanwhile: its log went with it
        await emitAudit(systemContext({ project, db: tx, job }), event);
        written += 1;
      }
      return written;
    });
  } catch (error) {
    log.error('writing the audit entries of system work failed', { job, events: events.length, error });
    return 0;
  }
}

/** A run did work when it wrote values or something in it failed; an idle tick leaves no entry. */
export function runDidWork(run: AuditedRun): boolean {
  return run.valuesWritten > 0 || run.metricsFailed > 0 || run.status === 'failed';
}

/**
 * One entry per collection run: `collection.tick` for the scheduled tick (only runs that did work),
 * `collection.run` / `collection.backfill` for the CLI, which someone typed on purpose.
 */
export async function auditCollectionRuns(
  db: DbOrTx,
  { job, runs }: { job: 'cron' | 'cli'; runs: readonly AuditedRun[] },
): Promise<number> {
  const audited = job === 'cron' ? runs.filter((r) => r.trigger === 'cron' && runDidWork(r)) : runs;
  return emitSystemAudit(db, {
    job,
    events: audited.map((run) => ({
      projectId: run.projectId,
      action:
        job === 'cron'
          ? 'collection.tick'
          : run.trigger === 'backfill'
            ? 'collection.backfill'
            : 'collection.run',
      resource: { type: 'collection_run', id: run.id },
      metadata: {
        trigger: run.trigger,
        status: run.status,
        metricsAttempted: run.metricsAttempted,
        metricsWritten: run.metricsWritten,
        metricsFailed: run.metricsFailed,
        valuesWritten: run.valuesWritten,
        anomaliesWritten: run.anomaliesWritten,
        durationMs: run.durationMs,
        ...(run.request.start && run.request.end ? { start: run.request.start, end: run.request.end } : {}),
      },
    })),
  });
}
