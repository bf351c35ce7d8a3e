'use client';

import clsx from 'clsx';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import { MAX_NOTE_LENGTH, type TriageResult } from '@/lib/inbox/schemas';

type Target = { anomalyId: string; incident: boolean };
type TriageAction<I> = (projectSlug: string, input: I) => Promise<ActionResult<TriageResult>>;

export type TriageActions = {
  acknowledge: TriageAction<Target>;
  markExpected: TriageAction<Target & { note: string }>;
  unmarkExpected: TriageAction<Target>;
};

/**
 * Acknowledge, mark expected (with a note) or unmark one anomaly or a whole incident. Shown to editors only;
 * the actions check the role again.
 */
export function TriageControls({
  projectSlug,
  anomalyId,
  incident,
  subject,
  canAcknowledge,
  canMark,
  canUnmark,
  actions,
  className,
}: {
  projectSlug: string;
  anomalyId: string;
  incident: boolean;
  /** What the buttons act on, for screen readers: "the incident of Mon, Oct 19, 2026". */
  subject: string;
  canAcknowledge: boolean;
  canMark: boolean;
  canUnmark: boolean;
  actions: TriageActions;
  className?: string;
}) {
  const router = useRouter();
  const noteId = useId();
  const [pending, startTransition] = useTransition();
  const [marking, setMarking] = useState(false);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const target = { anomalyId, incident };
  const what = incident ? 'incident' : 'anomaly';

  const run = (call: () => Promise<ActionResult<TriageResult>>, done: (n: number) => string) => {
    startTransition(async () => {
      const result = await call();
      if (result.ok) {
        setMarking(false);
        setNote('');
        setNoteError(null);
        setMessage({ ok: true, text: done(result.data.anomalyIds.length) });
        router.refresh();
      } else {
        setNoteError(result.fields?.note ?? null);
        setMessage(result.fields?.note ? null : { ok: false, text: result.message });
      }
    });
  };
  const count = (n: number) => (incident ? ` (${n} anomal${n === 1 ? 'y' : 'ies'})` : '');

  const submitNote = (event: FormEvent) => {
    event.preventDefault();
    run(
      () => actions.markExpected(projectSlug, { ...target, note }),
      (n) => `Marked expected${count(n)}.`,
    );
  };

  return (
    <div className={clsx('flex flex-col items-start gap-2', className)}>
      <div className="flex flex-wrap items-center gap-2">
        {canAcknowledge ? (
          <Button
            variant="secondary"
            className="py-1"
            disabled={pending}
            aria-label={`Acknowledge ${subject}`}
            onClick={() =>
              run(
                () => actions.acknowledge(projectSlug, target),
                (n) => `Acknowledged${count(n)}.`,
              )
            }
          >
            {incident ? 'Acknowledge incident' : 'Acknowledge'}
          </Button>
        ) : null}
        {canMark && !marking ? (
          <Button
            variant="ghost"
            className="py-1"
            disabled={pending}
            aria-label={`Mark ${subject} as expected`}
            aria-expanded={false}
            onClick={() => {
              setMarking(true);
              setMessage(null);
            }}
          >
            Mark expected…
          </Button>
        ) : null}
        {canUnmark ? (
          <Button
            variant="ghost"
            className="py-1"
            disabled={pending}
            aria-label={`Unmark ${subject} as expected`}
            onClick={() =>
              run(
                () => actions.unmarkExpected(projectSlug, target),
                (n) => `No longer marked expected${count(n)}.`,
              )
            }
          >
            Unmark expected
          </Button>
        ) : null}
      </div>
      {marking ? (
        <form
          onSubmit={submitNote}
          aria-label={`Mark ${subject} as expected`}
          className="w-full max-w-md rounded-md border border-slate-200 bg-slate-50 p-3 dark:border-slate-700 dark:bg-slate-900"
        >
          <label
            htmlFor={noteId}
            className="mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300"
          >
            What was expected about this {what}?
          </label>
          <Input
            id={noteId}
            value={note}
            maxLength={MAX_NOTE_LENGTH}
            placeholder="Planned maintenance, a launch, a known outage…"
            aria-invalid={noteError ? true : undefined}
            aria-describedby={noteError ? `${noteId}-error` : undefined}
            autoFocus
            onChange={(e) => setNote(e.target.value)}
          />
          {noteError ? (
            <p id={`${noteId}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400">
              {noteError}
            </p>
          ) : null}
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            The note is drawn on the chart, and these buckets no longer teach the expected band.
          </p>
          <div className="mt-2 flex gap-2">
            <Button type="submit" className="py-1" disabled={pending}>
              {pending ? 'Saving…' : 'Mark expected'}
            </Button>
            <Button
              variant="ghost"
              className="py-1"
              disabled={pending}
              onClick={() => {
                setMarking(false);
                setNoteError(null);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      <p
        role="status"
        aria-live="polite"
        className={clsx(
          'text-xs empty:hidden',
          message?.ok === false ? 'text-red-700 dark:text-red-400' : 'text-slate-600 dark:text-slate-400',
        )}
      >
        {message?.text}
      </p>
    </div>
  );
}
