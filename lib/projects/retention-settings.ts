/**
 * A project's own retention windows (projects.retention), which win over the instance's RETENTION_*_DAYS when the
 * scheduled tick deletes old runs, resolved anomalies and alert deliveries (lib/ops/retention.ts). Every member
 * may read them; only admins change them, since shortening a window deletes history on the next hourly pass.
 */
import { emitAudit } from '@/lib/audit/service';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { retentionSettings } from '@/lib/ops/retention';
import {
  toProjectRetention,
  toRetentionOverrides,
  toStoredRetention,
  type RetentionDefaults,
} from './effective-retention';
import { getProjectRetentionRow, setProjectRetention } from './queries';
import { RETENTION_WINDOWS, updateProjectRetentionInputSchema, type ProjectRetentionDto } from './schemas';

function instanceDefaults(): RetentionDefaults {
  const { runsDays, resolvedAnomaliesDays, deliveriesDays } = retentionSettings();
  return { runsDays, resolvedAnomaliesDays, deliveriesDays };
}

/** The windows retention applies to this project, each with where it comes from and the instance default. */
export async function getProjectRetention({ ctx }: { ctx: ServiceContext }): Promise<ProjectRetentionDto> {
  requireRole(ctx, 'viewer');
  const { retention } = await getProjectRetentionRow(ctx.db, { projectId: ctx.project.id });
  return toProjectRetention(retention, instanceDefaults());
}

/** Sets the project's own windows; null for a window means the instance default, and all null clears them. */
export async function updateProjectRetention({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<ProjectRetentionDto> {
  requireRole(ctx, 'admin');
  const overrides = parseInput(updateProjectRetentionInputSchema, input);
  const defaults = instanceDefaults();
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const { retention: stored } = await getProjectRetentionRow(tx.db, { projectId, lock: true });
    const before = toRetentionOverrides(stored);
    // Saving what is already in force changes nothing, so it leaves nothing in the audit log either.
    if (RETENTION_WINDOWS.every(({ key }) => before[key] === overrides[key])) {
      return toProjectRetention(stored, defaults);
    }
    const next = toStoredRetention(overrides);
    await setProjectRetention(tx.db, { projectId, retention: next });
    const after = toProjectRetention(next, defaults);
    await emitAudit(tx, {
      action: 'retention.update',
      resource: { type: 'project', id: projectId },
      before,
      after: after.overrides,
      // The defaults in force at the time say what a null meant.
      metadata: { defaults },
    });
    return after;
  });
}
