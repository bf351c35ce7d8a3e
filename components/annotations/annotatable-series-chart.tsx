'use client';

import { SeriesChart } from '@/components/charts/series-chart';
import type { SeriesView } from '@/lib/series/schemas';
import { useAnnotationDraft } from './annotation-draft';

/** The drilldown chart; where editors may annotate, a click on a bucket starts a note there. */
export function AnnotatableSeriesChart({ view, canAnnotate }: { view: SeriesView; canAnnotate: boolean }) {
  const draft = useAnnotationDraft();
  return <SeriesChart view={view} onPickBucket={canAnnotate && draft ? draft.pick : undefined} />;
}
