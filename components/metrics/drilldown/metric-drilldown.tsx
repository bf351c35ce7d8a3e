import type { ReactNode } from 'react';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * The drilldown page's layout. `runningSql` and `collectionHistory` are slots for parts built elsewhere
 * (the SQL collection actually runs for this metric; its collection runs and backfills): a section is drawn
 * only when its slot is filled.
 */
export function MetricDrilldown({
  header,
  series,
  annotations,
  heatmap,
  breakdowns,
  anomalies,
  definition,
  runningSql,
  collectionHistory,
}: {
  header: ReactNode;
  series: ReactNode;
  /** Slot: the notes on the chart, under it. */
  annotations?: ReactNode;
  /** Slot: the hour-of-week pattern, for hourly metrics. */
  heatmap?: ReactNode;
  breakdowns: ReactNode;
  anomalies: ReactNode;
  definition: ReactNode;
  /** Slot: the SQL that runs for this metric. */
  runningSql?: ReactNode;
  /** Slot: collection history and backfill. */
  collectionHistory?: ReactNode;
}) {
  return (
    <div className="space-y-8">
      <div>
        {header}
        {series}
      </div>
      {annotations ? (
        <Section id="annotations-heading" title="Annotations">
          {annotations}
        </Section>
      ) : null}
      {heatmap}
      {breakdowns}
      <Section id="anomalies-heading" title="Anomalies">
        {anomalies}
      </Section>
      <Section id="definition-heading" title="Definition">
        {definition}
      </Section>
      {runningSql ? (
        <Section id="running-sql-heading" title="SQL that runs">
          {runningSql}
        </Section>
      ) : null}
      {collectionHistory ? (
        <Section id="collection-history-heading" title="Collection history">
          {collectionHistory}
        </Section>
      ) : null}
    </div>
  );
}
