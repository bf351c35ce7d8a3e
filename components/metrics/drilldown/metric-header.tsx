import Link from 'next/link';
import type { ReactNode } from 'react';
import { CollectionStatus } from '@/components/metrics/collection-status';
import { Badge, type Tone } from '@/components/ui/badge';
import type { MetricDirection, MetricLifecycle } from '@/lib/metrics/schemas';
import type { MetricDto } from '@/lib/metrics/service';

const LIFECYCLE_TONE: Record<MetricLifecycle, Tone> = {
  active: 'green',
  draft: 'amber',
  archived: 'neutral',
};
const KIND_LABEL = { fact: 'Fact', sql: 'SQL', composition: 'Composition' } as const;
const DIRECTION_LABEL: Record<MetricDirection, string> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  neutral: 'Neutral',
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}

/** Name, description and the metric's facts; a failed collection is spelled out, not only badged. */
export function MetricHeader({
  metric,
  projectSlug,
  timeZone,
  actions,
}: {
  metric: MetricDto;
  projectSlug: string;
  timeZone: string;
  actions?: ReactNode;
}) {
  return (
    <header className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link
          href={`/p/${projectSlug}/metrics`}
          className="text-slate-500 dark:text-slate-400 hover:text-slate-800 hover:underline"
        >
          ← Metrics
        </Link>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{metric.name}</h1>
          {metric.description ? (
            <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">{metric.description}</p>
          ) : null}
        </div>
        {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
      </div>
      <dl className="mt-4 flex flex-wrap gap-x-8 gap-y-3 text-sm">
        <Fact label="Kind">{KIND_LABEL[metric.kind]}</Fact>
        <Fact label="Interval">per {metric.interval}</Fact>
        <Fact label="Lifecycle">
          <Badge tone={LIFECYCLE_TONE[metric.lifecycle]}>{metric.lifecycle}</Badge>
        </Fact>
        <Fact label="Owner">{metric.ownerName ?? '—'}</Fact>
        <Fact label="Direction">{DIRECTION_LABEL[metric.direction]}</Fact>
        <Fact label="Tags">
          {metric.tags.length > 0 ? (
            <span className="flex flex-wrap gap-1">
              {metric.tags.map((t) => (
                <Badge key={t}>{t}</Badge>
              ))}
            </span>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Last collection">
          <CollectionStatus
            status={metric.lastCollectionStatus}
            error={metric.lastCollectionError}
            lastSuccessAt={metric.lastSuccessAt}
            timeZone={timeZone}
          />
        </Fact>
      </dl>
      {metric.lastCollectionStatus === 'failed' ? (
        <div className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
          <p className="font-medium">The last collection failed</p>
          <p className="mt-1 whitespace-pre-wrap break-words">
            {metric.lastCollectionError ?? 'No error message was recorded.'}
          </p>
        </div>
      ) : null}
    </header>
  );
}
