'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClassName } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';

export type BackfillAction = (
  projectSlug: string,
  input: { metricIds: string[]; start: string; end: string },
) => Promise<ActionResult<{ id: string }>>;

const RECOMPUTE_DAYS = 30;

/**
 * Shown after a save that changed the definition or the interval: stored values were computed the old way.
 * One click recomputes the last 30 days; the metric page takes any other range.
 */
export function RecomputePrompt({
  projectSlug,
  metricId,
  backfill,
}: {
  projectSlug: string;
  metricId: string;
  backfill?: BackfillAction;
}) {
  const [pending, setPending] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function recompute() {
    if (!backfill) return;
    setPending(true);
    setProblem(null);
    const end = new Date();
    const start = new Date(end.getTime() - RECOMPUTE_DAYS * 86_400_000);
    const result = await backfill(projectSlug, {
      metricIds: [metricId],
      start: start.toISOString(),
      end: end.toISOString(),
    });
    setPending(false);
    if (result.ok) setRunId(result.data.id);
    else setProblem(result.message);
  }

  return (
    <Alert tone="warning" title="The definition changed: recompute history?">
      <p>Values already collected were computed with the previous definition.</p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        {runId ? (
          <Link href={`/p/${projectSlug}/runs/${runId}`} className={buttonClassName('secondary')}>
            Follow the recompute run
          </Link>
        ) : backfill ? (
          <Button variant="secondary" onClick={() => void recompute()} disabled={pending}>
            {pending ? 'Queuing…' : `Recompute the last ${RECOMPUTE_DAYS} days`}
          </Button>
        ) : null}
        <Link
          href={`/p/${projectSlug}/metrics/${metricId}#backfill`}
          className="font-medium underline underline-offset-2"
        >
          Choose another range
        </Link>
      </div>
      {problem ? <p className="mt-2 text-red-700 dark:text-red-400">{problem}</p> : null}
    </Alert>
  );
}
