/**
 * Scheduled collection: the cron route and the server's own timer both run this. One tick collects what is due
 * across projects within the time budget; overlapping ticks (several instances, a slow tick) share the work
 * through the metric claims.
 */
import { getDb } from '@/db/client';
import { auditCollectionRuns } from '@/lib/audit/system';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { runRetentionIfDue, type RetentionReport } from '@/lib/ops/retention';
import { scheduledTick, type TickReport } from './engine';

export type ScheduledSummary = {
  runs: {
    id: string;
    projectId: string;
    status: string;
    metricsAttempted: number;
    metricsFailed: number;
    valuesWritten: number;
  }[];
  reaped: number;
  budgetExhausted: boolean;
  alertsDelivered: number;
  alertDeliveryFailures: number;
  /** What retention deleted, on the tick that ran it (at most once an hour). */
  retention?: RetentionReport;
};

export function summarize(
  report: TickReport & { delivered: number; deliveryFailures: number },
): ScheduledSummary {
  return {
    runs: report.runs.map(({ run }) => ({
      id: run.id,
      projectId: run.projectId,
      status: run.status,
      metricsAttempted: run.metricsAttempted,
      metricsFailed: run.metricsFailed,
      valuesWritten: run.valuesWritten,
    })),
    reaped: report.reaped,
    budgetExhausted: report.budgetExhausted,
    alertsDelivered: report.delivered,
    alertDeliveryFailures: report.deliveryFailures,
  };
}

export async function runScheduledCollection(opts: {
  trigger: 'cron-route' | 'timer';
}): Promise<ScheduledSummary> {
  const { db } = await getDb();
  const report = await scheduledTick({ db }, { budgetMs: env().COLLECT_BUDGET_SECONDS * 1000 });
  await auditCollectionRuns(db, { job: 'cron', runs: report.runs.map((r) => r.run) });
  const retention = await runRetentionIfDue(db);
  const summary = { ...summarize(report), ...(retention ? { retention } : {}) };
  if (summary.runs.length > 0 || summary.reaped > 0 || summary.alertsDelivered > 0)
    log.info('collection tick', { via: opts.trigger, ...summary });
  return summary;
}

type TimerState = { timer?: NodeJS.Timeout; running: boolean };
const timerState = ((globalThis as { __sightlineCollectTimer?: TimerState }).__sightlineCollectTimer ??= {
  running: false,
});

/** Starts the server's own collection timer once per process; a tick still running skips the next one. */
export function startCollectionTimer(): void {
  const seconds = env().COLLECT_EVERY_SECONDS;
  if (seconds === 0 || timerState.timer) return;
  const tick = async () => {
    if (timerState.running) return;
    timerState.running = true;
    try {
      await runScheduledCollection({ trigger: 'timer' });
    } catch (error) {
      log.error('collection tick failed', { error });
    } finally {
      timerState.running = false;
    }
  };
  timerState.timer = setInterval(() => void tick(), seconds * 1000);
  timerState.timer.unref();
  setTimeout(() => void tick(), 5_000).unref();
}
