'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { startBackfillAction } from '@/app/(app)/p/[project]/runs/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { RunDto } from '@/lib/collection/service';
import { isActive } from './run-format';

const DAY_MS = 86_400_000;
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

async function fetchRun(url: string): Promise<RunDto> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The run could not be read (${response.status}).`);
  return (await response.json()) as RunDto;
}

/** Rebuilds a date range of one metric's buckets, with the run's progress shown here while it works. */
export function BackfillPanel({ projectSlug, metricId }: { projectSlug: string; metricId: string }) {
  const today = new Date();
  const [start, setStart] = useState(dateOnly(new Date(today.getTime() - 30 * DAY_MS)));
  const [end, setEnd] = useState(dateOnly(today));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const { data: run } = useQuery({
    queryKey: ['run', runId],
    enabled: runId !== null,
    queryFn: () => fetchRun(`/p/${projectSlug}/runs/${runId}/status`),
    refetchInterval: (query) => (!query.state.data || isActive(query.state.data.status) ? 1000 : false),
  });
  const percent = run && run.progressTotal > 0 ? Math.round((run.progressDone / run.progressTotal) * 100) : 0;

  const submit = () =>
    startTransition(async () => {
      setErrors({});
      setMessage(null);
      // Dates are whole UTC days; the end date is included.
      const result = await startBackfillAction(projectSlug, {
        metricIds: [metricId],
        start,
        end: dateOnly(new Date(new Date(end).getTime() + DAY_MS)),
      });
      if (result.ok) setRunId(result.data.id);
      else {
        setErrors(result.fields ?? {});
        setMessage(result.message);
      }
    });

  return (
    <section aria-labelledby="backfill-heading" id="backfill" className="space-y-3">
      <h3 id="backfill-heading" className="text-base font-semibold">
        Recompute history
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Rebuilds every bucket from the first day through the last (UTC), for example after the definition
        changed or late data arrived.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <DateField label="From" value={start} onChange={setStart} error={errors.start} />
        <DateField label="To (included)" value={end} onChange={setEnd} error={errors.end} />
        <Button
          variant="secondary"
          disabled={pending || (run !== undefined && isActive(run.status))}
          onClick={submit}
        >
          {pending ? 'Starting…' : 'Recompute'}
        </Button>
      </div>
      {message && !errors.start && !errors.end ? <Alert tone="error">{message}</Alert> : null}
      {run ? (
        <div className="space-y-1 text-sm">
          <div
            role="progressbar"
            aria-label="Recompute progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={run.status === 'completed' ? 100 : percent}
            className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            <div
              className="h-full bg-brand-600 transition-all"
              style={{ width: `${run.status === 'completed' ? 100 : percent}%` }}
            />
          </div>
          <p role="status">
            {run.status === 'completed'
              ? `Done: ${run.valuesWritten.toLocaleString('en-US')} values rebuilt.`
              : run.status === 'failed'
                ? `Failed: ${run.error ?? 'see the run'}.`
                : run.status === 'pending'
                  ? 'Waiting for a worker…'
                  : `Recomputing… ${percent}%`}{' '}
            <Link
              href={`/p/${projectSlug}/runs/${run.id}`}
              className="text-brand-700 hover:underline dark:text-brand-100"
            >
              Open the run
            </Link>
          </p>
        </div>
      ) : null}
    </section>
  );
}

function DateField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const id = `backfill-${label.split(' ')[0]?.toLowerCase()}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {error ? (
        <span id={`${id}-error`} className="text-xs text-red-700 dark:text-red-300">
          {error}
        </span>
      ) : null}
    </div>
  );
}
