'use client';

import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { SeriesPreview as SeriesPreviewData } from '@/lib/collection/service';
import type { MetricInterval } from '@/lib/metrics/schemas';
import { SeriesPreview } from './series-preview';
import { useMetricForm } from './use-metric-form';

export type PreviewOutcome = { data: SeriesPreviewData } | { problem: string | null };

type Shown = { data: SeriesPreviewData; interval: MetricInterval; key: string };

/**
 * "Preview series": runs what the form holds now through the collection engine, writing nothing. Field
 * problems land beside their fields (the form's `run` places them); anything else shows here.
 */
export function PreviewSeriesPanel({
  run,
  timeZone,
}: {
  run: () => Promise<PreviewOutcome>;
  timeZone: string;
}) {
  const { control } = useMetricForm();
  const definition = useWatch({ control, name: 'definition' });
  const interval = useWatch({ control, name: 'interval' });
  const key = JSON.stringify([definition, interval]);
  const [pending, setPending] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function onPreview() {
    setPending(true);
    setProblem(null);
    const ranWith = { key, interval };
    try {
      const outcome = await run();
      if ('data' in outcome) setShown({ data: outcome.data, ...ranWith });
      else {
        setShown(null);
        setProblem(outcome.problem);
      }
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={() => void onPreview()} disabled={pending}>
          {pending ? 'Computing preview…' : 'Preview series'}
        </Button>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {shown && shown.key !== key
            ? 'The definition changed since this preview; preview again to refresh it.'
            : 'Computes the latest buckets from the warehouse without saving anything.'}
        </span>
      </div>
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      {shown ? <SeriesPreview preview={shown.data} interval={shown.interval} timeZone={timeZone} /> : null}
    </div>
  );
}
