/**
 * Annotation verbs: list (viewer), create, update, delete (editor). A note either belongs to one metric of the
 * project or, with no metric, to all of them; the metric is locked while the note is written so it cannot be
 * deleted underneath. The anomaly inbox writes notes of its own when buckets are marked expected
 * (lib/inbox/triage.ts); these verbs edit and delete those like any other.
 */
import { emitAudit } from '@/lib/audit/service';
import { actorUserId, requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import {
  deleteAnnotationRow,
  getAnnotationInProject,
  insertAnnotation,
  listAnnotationsOfMetric,
  requireMetricInProject,
  updateAnnotationRow,
  type AnnotationRow,
} from './queries';
import {
  annotationIdInputSchema,
  annotationInputSchema,
  listAnnotationsInputSchema,
  MAX_ANNOTATION_LEAD_DAYS,
  updateAnnotationInputSchema,
  type AnnotationDto,
} from './schemas';

type Verb = { ctx: ServiceContext; input: unknown };

const DAY_MS = 86_400_000;
const resource = (id: string) => ({ type: 'annotation', id });

export function toAnnotationDto(row: AnnotationRow): AnnotationDto {
  return {
    id: row.id,
    metricId: row.metricId,
    note: row.note,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    authorName: row.authorName,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A note far in the future is almost always a mistyped year. */
function assertNotFarAhead(ctx: ServiceContext, startsAt: Date): void {
  if (startsAt.getTime() > ctx.now().getTime() + MAX_ANNOTATION_LEAD_DAYS * DAY_MS) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { startsAt: `Start at most ${MAX_ANNOTATION_LEAD_DAYS} days from now.` },
    });
  }
}

export async function listAnnotations({ ctx, input }: Verb): Promise<AnnotationDto[]> {
  requireRole(ctx, 'viewer');
  const { metricId, start, end } = parseInput(listAnnotationsInputSchema, input);
  const projectId = ctx.project.id;
  await requireMetricInProject(ctx.db, { projectId, metricId });
  const rows = await listAnnotationsOfMetric(ctx.db, { projectId, metricId, start, end });
  return rows.map(toAnnotationDto);
}

export async function createAnnotation({ ctx, input }: Verb): Promise<AnnotationDto> {
  requireRole(ctx, 'editor');
  const fields = parseInput(annotationInputSchema, input);
  assertNotFarAhead(ctx, fields.startsAt);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    if (fields.metricId)
      await requireMetricInProject(tx.db, { projectId, metricId: fields.metricId, lock: true });
    const id = await insertAnnotation(tx.db, { ...fields, projectId, createdBy: actorUserId(ctx.actor) });
    const after = toAnnotationDto(await getAnnotationInProject(tx.db, { projectId, annotationId: id }));
    await emitAudit(tx, { action: 'annotation.create', resource: resource(id), after });
    return after;
  });
}

/** Replaces the note, its time and its scope; the author stays who wrote it. */
export async function updateAnnotation({ ctx, input }: Verb): Promise<AnnotationDto> {
  requireRole(ctx, 'editor');
  const { id, ...fields } = parseInput(updateAnnotationInputSchema, input);
  assertNotFarAhead(ctx, fields.startsAt);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const before = toAnnotationDto(
      await getAnnotationInProject(tx.db, { projectId, annotationId: id, lock: true }),
    );
    if (fields.metricId)
      await requireMetricInProject(tx.db, { projectId, metricId: fields.metricId, lock: true });
    await updateAnnotationRow(tx.db, { projectId, annotationId: id, values: fields });
    const after = toAnnotationDto(await getAnnotationInProject(tx.db, { projectId, annotationId: id }));
    await emitAudit(tx, { action: 'annotation.update', resource: resource(id), before, after });
    return after;
  });
}

export async function deleteAnnotation({ ctx, input }: Verb): Promise<{ id: string }> {
  requireRole(ctx, 'editor');
  const { id } = parseInput(annotationIdInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const before = toAnnotationDto(
      await getAnnotationInProject(tx.db, { projectId, annotationId: id, lock: true }),
    );
    await deleteAnnotationRow(tx.db, { projectId, annotationId: id });
    await emitAudit(tx, { action: 'annotation.delete', resource: resource(id), before });
    return { id };
  });
}
