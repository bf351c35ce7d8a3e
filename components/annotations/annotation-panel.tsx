'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult } from '@/lib/actions';
import type { AnnotationDto } from '@/lib/annotations/schemas';
import { toDateTimeLocal } from '@/lib/annotations/time';
import { blankAnnotation, useAnnotationDraft, type AnnotationDraftValues } from './annotation-draft';
import { AnnotationForm, type SaveAnnotation } from './annotation-form';

type DeleteAnnotation = (projectSlug: string, input: { id: string }) => Promise<ActionResult<{ id: string }>>;

function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/**
 * The notes on this metric's chart in the shown range (its own and the project's), with who wrote them; editors
 * add, edit and delete them here, or click a bucket on the chart to start a note there.
 */
export function AnnotationPanel({
  annotations,
  projectSlug,
  metricId,
  metricName,
  timeZone,
  defaultStart,
  canEdit,
  create,
  update,
  remove,
}: {
  annotations: AnnotationDto[];
  projectSlug: string;
  metricId: string;
  metricName: string;
  timeZone: string;
  /** Where a new note starts unless the chart says otherwise (epoch ms): the newest bucket shown. */
  defaultStart: number;
  canEdit: boolean;
  create: SaveAnnotation;
  update: SaveAnnotation;
  remove: DeleteAnnotation;
}) {
  const router = useRouter();
  const draft = useAnnotationDraft();
  const [localEditing, setLocalEditing] = useState<AnnotationDraftValues | null>(null);
  // Inside the drilldown the draft is shared with the chart; anywhere else the panel keeps its own.
  const editing = draft ? draft.editing : localEditing;
  const setEditing = draft ? draft.setEditing : setLocalEditing;
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const panel = useRef<HTMLDivElement>(null);

  // A bucket picked on the chart opened (or moved) the form: bring it into view.
  const picks = draft?.picks ?? 0;
  useEffect(() => {
    if (picks > 0) panel.current?.scrollIntoView({ block: 'nearest' });
  }, [picks]);

  const saved = (verb: string) => (annotation: AnnotationDto) => {
    setEditing(null);
    setMessage(`Annotation “${annotation.note}” ${verb}.`);
    router.refresh();
  };
  const onDelete = (annotation: AnnotationDto) =>
    startTransition(async () => {
      const result = await remove(projectSlug, { id: annotation.id });
      setMessage(result.ok ? `Annotation “${annotation.note}” deleted.` : result.message);
      if (result.ok) router.refresh();
    });

  return (
    <div ref={panel} className="space-y-4">
      {canEdit && !editing ? (
        <Button variant="secondary" onClick={() => setEditing(blankAnnotation(defaultStart, timeZone))}>
          Annotate
        </Button>
      ) : null}
      {editing ? (
        <AnnotationForm
          key={editing.id ?? 'new'}
          projectSlug={projectSlug}
          metricId={metricId}
          metricName={metricName}
          timeZone={timeZone}
          values={editing}
          onChange={setEditing}
          save={editing.id ? update : create}
          onSaved={saved(editing.id ? 'saved' : 'added')}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <p role="status" className="text-sm empty:hidden">
        {message}
      </p>
      {annotations.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No annotations in the shown range.
          {canEdit ? ' Annotate a release, an incident or a campaign so the chart explains itself.' : ''}
        </p>
      ) : (
        <ul
          aria-label="Annotations in the shown range"
          className="divide-y divide-slate-200 dark:divide-slate-800"
        >
          {annotations.map((a) => (
            <li key={a.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium break-words">{a.note}</p>
                <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
                  <time dateTime={a.startsAt}>{formatTime(a.startsAt, timeZone)}</time>
                  {a.endsAt ? (
                    <>
                      {' – '}
                      <time dateTime={a.endsAt}>{formatTime(a.endsAt, timeZone)}</time>
                    </>
                  ) : null}
                  {' · '}
                  {a.authorName ? `by ${a.authorName}` : 'author unknown'}{' '}
                  <Badge tone={a.metricId ? 'neutral' : 'blue'}>
                    {a.metricId ? 'this metric' : 'whole project'}
                  </Badge>
                </p>
              </div>
              {canEdit ? (
                <div className="flex gap-2">
                  <Button
                    variant="secondary"
                    aria-label={`Edit annotation “${a.note}”`}
                    disabled={pending}
                    onClick={() =>
                      setEditing({
                        id: a.id,
                        note: a.note,
                        start: toDateTimeLocal(a.startsAt, timeZone),
                        end: a.endsAt ? toDateTimeLocal(a.endsAt, timeZone) : '',
                        scope: a.metricId ? 'metric' : 'project',
                      })
                    }
                  >
                    Edit
                  </Button>
                  <ConfirmDialog
                    triggerLabel="Delete"
                    triggerAccessibleName={`Delete annotation “${a.note}”`}
                    title="Delete this annotation?"
                    confirmLabel="Delete annotation"
                    disabled={pending}
                    onConfirm={() => onDelete(a)}
                  >
                    “{a.note}” disappears from{' '}
                    {a.metricId ? `the chart of ${metricName}` : 'every chart of the project'}.
                  </ConfirmDialog>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
