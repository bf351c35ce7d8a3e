/**
 * Triage verbs: acknowledge an anomaly, mark it as an expected event (a launch, an outage everybody knows
 * about) or take that mark back, each for one anomaly or for its whole incident at once. Marking expected also
 * annotates the metric's chart, one annotation per bucket, in the same transaction; detection then keeps those
 * buckets out of the baseline, and the metric's stored band is scored again from the first changed bucket on.
 * Every changed anomaly gets its own audit entry.
 */
import { emitAudit } from '@/lib/audit/service';
import {
  actorLabelUnlessUser,
  actorUserId,
  requireRole,
  withTransaction,
  type ServiceContext,
} from '@/lib/context';
import { rescoreBand } from '@/lib/detection/pipeline';
import { conflict, parseInput } from '@/lib/errors';
import {
  deleteAnnotationsExactly,
  getInboxAnomalyInProject,
  insertAnnotations,
  setAcknowledged,
  setExpectedEvent,
  type InboxRow,
} from './queries';
import {
  acknowledgeInputSchema,
  markExpectedInputSchema,
  unmarkExpectedInputSchema,
  type TriageResult,
} from './schemas';
import { loadIncidentRows, toInboxAnomaly } from './service';

type Verb = { ctx: ServiceContext; input: unknown };

async function targetsOf(
  ctx: ServiceContext,
  { anomalyId, incident }: { anomalyId: string; incident: boolean },
): Promise<InboxRow[]> {
  const anchor = await getInboxAnomalyInProject(ctx.db, { projectId: ctx.project.id, anomalyId });
  return incident ? loadIncidentRows(ctx, anchor) : [anchor];
}

/**
 * A whole-metric bucket marked (or no longer marked) expected changes what the detector learns from it on: the
 * stored band of each such metric is scored again from its first changed bucket.
 */
async function rescoreMarked(ctx: ServiceContext, rows: readonly InboxRow[]): Promise<void> {
  const from = new Map<string, Date>();
  for (const row of rows) {
    if (row.dimension !== '') continue;
    const earliest = from.get(row.metricId);
    if (!earliest || row.bucketStart < earliest) from.set(row.metricId, row.bucketStart);
  }
  for (const [metricId, bucket] of from) {
    await rescoreBand(ctx.db, {
      projectId: ctx.project.id,
      metricId,
      zone: ctx.project.timeZone,
      from: bucket,
    });
  }
}

function auditMetadata(row: InboxRow, incidentOf: string | null) {
  return {
    metricId: row.metricId,
    bucketStart: row.bucketStart.toISOString(),
    ...(row.dimension ? { dimension: row.dimension, dimensionValue: row.dimensionValue } : {}),
    ...(incidentOf ? { incidentOf } : {}),
  };
}

/** Records who looked at the anomaly (or every anomaly of its incident that nobody has acknowledged yet). */
export async function acknowledgeAnomalies({ ctx, input }: Verb): Promise<TriageResult> {
  requireRole(ctx, 'editor');
  const target = parseInput(acknowledgeInputSchema, input);
  return withTransaction(ctx, async (tx) => {
    const rows = await targetsOf(tx, target);
    const open = rows.filter((r) => r.acknowledgedAt === null);
    const done = target.incident
      ? 'Every anomaly of this incident was already acknowledged.'
      : 'This anomaly was already acknowledged.';
    if (open.length === 0) throw conflict(done);
    const at = tx.now();
    const changed = new Set(
      (
        await setAcknowledged(tx.db, {
          projectId: tx.project.id,
          anomalyIds: open.map((r) => r.id),
          userId: actorUserId(tx.actor),
          label: actorLabelUnlessUser(tx.actor),
          at,
        })
      ).map((r) => r.id),
    );
    if (changed.size === 0) throw conflict(done);
    const incidentOf = target.incident ? target.anomalyId : null;
    for (const row of open.filter((r) => changed.has(r.id))) {
      await emitAudit(tx, {
        action: 'anomaly.acknowledge',
        resource: { type: 'anomaly', id: row.id },
        before: { acknowledgedAt: null },
        after: { acknowledgedAt: at.toISOString() },
        metadata: auditMetadata(row, incidentOf),
      });
    }
    return { anomalyIds: [...changed] };
  });
}

/**
 * Marks the anomaly (or its incident) as an expected event with a note: the anomalies keep the note, and each
 * bucket gets an annotation on its metric's chart.
 */
export async function markExpected({ ctx, input }: Verb): Promise<TriageResult> {
  requireRole(ctx, 'editor');
  const { note, ...target } = parseInput(markExpectedInputSchema, input);
  return withTransaction(ctx, async (tx) => {
    const rows = (await targetsOf(tx, target)).filter((r) => !r.expectedEvent);
    const done = target.incident
      ? 'Every anomaly of this incident is already marked expected.'
      : 'This anomaly is already marked expected.';
    if (rows.length === 0) throw conflict(done);
    const changed = new Set(
      (
        await setExpectedEvent(tx.db, {
          projectId: tx.project.id,
          anomalyIds: rows.map((r) => r.id),
          expected: true,
          note,
          at: tx.now(),
        })
      ).map((r) => r.id),
    );
    if (changed.size === 0) throw conflict(done);
    const marked = rows.filter((r) => changed.has(r.id));
    await rescoreMarked(tx, marked);
    await insertAnnotations(tx.db, {
      projectId: tx.project.id,
      createdBy: actorUserId(tx.actor),
      rows: marked.map((r) => annotationOf(r, note, tx.project.timeZone)),
    });
    const incidentOf = target.incident ? target.anomalyId : null;
    for (const row of marked) {
      await emitAudit(tx, {
        action: 'anomaly.mark_expected',
        resource: { type: 'anomaly', id: row.id },
        before: { expectedEvent: false, note: row.note },
        after: { expectedEvent: true, note },
        metadata: auditMetadata(row, incidentOf),
      });
    }
    return { anomalyIds: [...changed] };
  });
}

/** Takes the "expected" mark back: the anomaly counts again, and the annotations the mark wrote go away. */
export async function unmarkExpected({ ctx, input }: Verb): Promise<TriageResult> {
  requireRole(ctx, 'editor');
  const target = parseInput(unmarkExpectedInputSchema, input);
  return withTransaction(ctx, async (tx) => {
    const rows = (await targetsOf(tx, target)).filter((r) => r.expectedEvent);
    const done = target.incident
      ? 'No anomaly of this incident is marked expected.'
      : 'This anomaly is not marked expected.';
    if (rows.length === 0) throw conflict(done);
    const changed = new Set(
      (
        await setExpectedEvent(tx.db, {
          projectId: tx.project.id,
          anomalyIds: rows.map((r) => r.id),
          expected: false,
          note: null,
          at: tx.now(),
        })
      ).map((r) => r.id),
    );
    if (changed.size === 0) throw conflict(done);
    const unmarked = rows.filter((r) => changed.has(r.id));
    await rescoreMarked(tx, unmarked);
    await deleteAnnotationsExactly(tx.db, {
      projectId: tx.project.id,
      rows: unmarked
        .filter((r) => r.note !== null)
        .map((r) => annotationOf(r, r.note ?? '', tx.project.timeZone)),
    });
    const incidentOf = target.incident ? target.anomalyId : null;
    for (const row of unmarked) {
      await emitAudit(tx, {
        action: 'anomaly.unmark_expected',
        resource: { type: 'anomaly', id: row.id },
        before: { expectedEvent: true, note: row.note },
        after: { expectedEvent: false, note: null },
        metadata: auditMetadata(row, incidentOf),
      });
    }
    return { anomalyIds: [...changed] };
  });
}

function annotationOf(row: InboxRow, note: string, timeZone: string) {
  const anomaly = toInboxAnomaly(row, timeZone);
  return {
    metricId: row.metricId,
    startsAt: row.bucketStart,
    endsAt: new Date(anomaly.bucketEnd),
    note: row.dimension ? `${note} (${row.dimension} = ${row.dimensionValue})` : note,
  };
}
