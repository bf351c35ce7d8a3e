/**
 * Collection in this process, for `npm run collect` and `npm run demo`: the same engine as the cron route,
 * with progress printed per fact table and an outcome the caller turns into an exit code.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { metrics, projects } from '@/db/schema';
import { auditCollectionRuns } from '@/lib/audit/system';
import { collectProject, type EngineDeps, type ProgressEvent, type RunReport } from './engine';
import { listActiveMetricIds, listProjectsWithDueMetrics, type ProjectRow } from './queries';

export type LocalCollectOptions = {
  /** Project slug; all projects with due metrics when omitted. */
  project?: string;
  /** Metric names or ids within the project. */
  metrics?: string[];
  /** Re-collect the lookback of the listed (or all active) metrics even when nothing new is due. */
  force?: boolean;
  /** Rebuild every bucket starting in [from, to). */
  backfill?: { from: Date; to: Date };
};

export class LocalCollectError extends Error {}

export async function collectLocally(
  deps: Omit<EngineDeps, 'onProgress'> & { db: Db },
  options: LocalCollectOptions,
  print: (line: string) => void,
): Promise<{ reports: RunReport[]; failed: number }> {
  const targets = await resolveTargets(deps.db, options);
  const reports: RunReport[] = [];
  let failed = 0;
  for (const { project, metricIds } of targets) {
    let lastLabel = '';
    const onProgress = (event: ProgressEvent) => {
      const name = event.label.split(' · ')[0] ?? event.label;
      if (name !== lastLabel || event.done === event.total || !event.ok) {
        print(
          `  ${project.slug} ▸ ${event.label} ${event.ok ? '' : '(failed) '}[${event.done}/${event.total}]`,
        );
        lastLabel = name;
      }
    };
    const trigger = options.backfill ? 'backfill' : options.force || metricIds ? 'manual' : 'cron';
    const report = await collectProject(
      { ...deps, onProgress },
      {
        project,
        trigger: trigger === 'cron' ? 'manual' : trigger,
        request: {
          ...(metricIds ? { metricIds } : {}),
          ...(options.force ? { force: true } : {}),
          ...(options.backfill
            ? { start: options.backfill.from.toISOString(), end: options.backfill.to.toISOString() }
            : {}),
        },
      },
    );
    if (!report) continue;
    reports.push(report);
    const run = report.run;
    print(
      `${project.slug}: ${run.status} — ${run.metricsAttempted} metrics, ${run.metricsFailed} failed, ` +
        `${run.valuesWritten.toLocaleString('en-US')} values in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s`,
    );
    for (const detail of run.details.filter((d) => d.status === 'failed')) {
      print(`  ✗ ${detail.name}: ${detail.error ?? 'failed'}`);
    }
    failed += run.metricsFailed + (run.status === 'failed' && run.metricsFailed === 0 ? 1 : 0);
  }
  if (reports.length === 0) print('Nothing to collect: every metric is up to date.');
  await auditCollectionRuns(deps.db, { job: 'cli', runs: reports.map((r) => r.run) });
  return { reports, failed };
}

async function resolveTargets(
  db: Db,
  options: LocalCollectOptions,
): Promise<{ project: ProjectRow; metricIds?: string[] }[]> {
  if (!options.project) {
    if (options.metrics?.length) throw new LocalCollectError('--metric needs --project.');
    if (options.backfill || options.force) {
      const all = await db.select().from(projects);
      const result = [];
      for (const project of all)
        result.push({ project, metricIds: await listActiveMetricIds(db, { projectId: project.id }) });
      return result.filter((t) => t.metricIds.length > 0);
    }
    return (await listProjectsWithDueMetrics(db, new Date())).map((project) => ({ project }));
  }
  const [project] = await db.select().from(projects).where(eq(projects.slug, options.project));
  if (!project) throw new LocalCollectError(`No project "${options.project}".`);
  if (!options.metrics?.length) {
    if (options.backfill || options.force)
      return [{ project, metricIds: await listActiveMetricIds(db, { projectId: project.id }) }];
    return [{ project }];
  }
  const rows = await db
    .select({ id: metrics.id, name: metrics.name })
    .from(metrics)
    .where(and(eq(metrics.projectId, project.id), ne(metrics.lifecycle, 'archived')));
  const ids = options.metrics.map((wanted) => {
    const match = rows.find((r) => r.id === wanted || r.name.toLowerCase() === wanted.toLowerCase());
    if (!match)
      throw new LocalCollectError(
        `No metric "${wanted}" in project "${options.project}" (archived metrics are not collected).`,
      );
    return match.id;
  });
  return [{ project, metricIds: ids }];
}
