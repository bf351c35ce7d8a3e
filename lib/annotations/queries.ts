import { and, asc, eq, gt, gte, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { annotations, metrics, users } from '@/db/schema';
import { notFound } from '@/lib/errors';

export type AnnotationRow = Awaited<ReturnType<typeof getAnnotationInProject>>;
type AnnotationWrite = { metricId: string | null; note: string; startsAt: Date; endsAt: Date | null };

const LIST_LIMIT = 200;

const columns = {
  id: annotations.id,
  metricId: annotations.metricId,
  note: annotations.note,
  startsAt: annotations.startsAt,
  endsAt: annotations.endsAt,
  createdAt: annotations.createdAt,
  authorName: users.name,
};

/**
 * NotFound unless the metric is in the project. With `lock`, the metric cannot be deleted until the
 * transaction ends, so a note is never written for a metric that is going away.
 */
export async function requireMetricInProject(
  db: DbOrTx,
  { projectId, metricId, lock = false }: { projectId: string; metricId: string; lock?: boolean },
): Promise<void> {
  const query = db
    .select({ id: metrics.id })
    .from(metrics)
    .where(and(eq(metrics.projectId, projectId), eq(metrics.id, metricId)))
    .limit(1);
  const [row] = lock ? await query.for('key share') : await query;
  if (!row) throw notFound('Metric');
}

export async function getAnnotationInProject(
  db: DbOrTx,
  { projectId, annotationId, lock = false }: { projectId: string; annotationId: string; lock?: boolean },
) {
  const query = db
    .select(columns)
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.createdBy))
    .where(and(eq(annotations.projectId, projectId), eq(annotations.id, annotationId)))
    .limit(1);
  const [row] = lock ? await query.for('update', { of: annotations }) : await query;
  if (!row) throw notFound('Annotation');
  return row;
}

/** A metric's own notes and the project-wide ones, overlapping the window when one is given, oldest first. */
export async function listAnnotationsOfMetric(
  db: DbOrTx,
  { projectId, metricId, start, end }: { projectId: string; metricId: string; start?: Date; end?: Date },
) {
  const conditions: (SQL | undefined)[] = [
    eq(annotations.projectId, projectId),
    or(eq(annotations.metricId, metricId), isNull(annotations.metricId)),
  ];
  if (end) conditions.push(lt(annotations.startsAt, end));
  if (start) {
    conditions.push(
      or(gt(annotations.endsAt, start), and(isNull(annotations.endsAt), gte(annotations.startsAt, start))),
    );
  }
  return db
    .select(columns)
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.createdBy))
    .where(and(...conditions))
    .orderBy(asc(annotations.startsAt), asc(annotations.id))
    .limit(LIST_LIMIT);
}

export async function insertAnnotation(
  db: DbOrTx,
  values: AnnotationWrite & { projectId: string; createdBy: string | null },
): Promise<string> {
  const [row] = await db.insert(annotations).values(values).returning({ id: annotations.id });
  if (!row) throw new Error('insert into annotations returned no row');
  return row.id;
}

export async function updateAnnotationRow(
  db: DbOrTx,
  { projectId, annotationId, values }: { projectId: string; annotationId: string; values: AnnotationWrite },
): Promise<void> {
  await db
    .update(annotations)
    .set(values)
    .where(and(eq(annotations.projectId, projectId), eq(annotations.id, annotationId)));
}

export async function deleteAnnotationRow(
  db: DbOrTx,
  { projectId, annotationId }: { projectId: string; annotationId: string },
): Promise<void> {
  await db
    .delete(annotations)
    .where(and(eq(annotations.projectId, projectId), eq(annotations.id, annotationId)));
}
