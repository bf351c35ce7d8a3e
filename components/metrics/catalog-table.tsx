'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Badge, type Tone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';
import type { CatalogRow } from '@/lib/metrics/service';
import type { MetricLifecycle } from '@/lib/metrics/schemas';

const LIFECYCLE_TONE: Record<MetricLifecycle, Tone> = {
  active: 'green',
  draft: 'amber',
  archived: 'neutral',
};
const KIND_LABEL = { fact: 'Fact', sql: 'SQL', composition: 'Composition' } as const;

type SetLifecycle = (
  projectSlug: string,
  input: { metricIds: string[]; lifecycle: MetricLifecycle },
) => Promise<ActionResult<{ updated: number }>>;

export function CatalogTable({
  rows,
  projectSlug,
  canEdit,
  setLifecycle,
}: {
  rows: CatalogRow[];
  projectSlug: string;
  canEdit: boolean;
  setLifecycle: SetLifecycle;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const apply = (lifecycle: MetricLifecycle) =>
    startTransition(async () => {
      const result = await setLifecycle(projectSlug, { metricIds: [...selected], lifecycle });
      setMessage(result.ok ? `${result.data.updated} metric(s) now ${lifecycle}.` : result.message);
      if (result.ok) {
        setSelected(new Set());
        router.refresh();
      }
    });

  return (
    <div>
      {canEdit ? (
        <div className="mb-3 flex min-h-9 items-center gap-2 text-sm" aria-live="polite">
          <span className="text-slate-600 dark:text-slate-400">{selected.size} selected</span>
          <Button
            variant="secondary"
            disabled={selected.size === 0 || pending}
            onClick={() => apply('active')}
          >
            Activate
          </Button>
          <Button
            variant="secondary"
            disabled={selected.size === 0 || pending}
            onClick={() => apply('archived')}
          >
            Archive
          </Button>
          {message ? <span role="status">{message}</span> : null}
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900">
            <tr>
              {canEdit ? (
                <th scope="col" className="w-10 px-3 py-2">
                  <span className="sr-only">Select</span>
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2">
                Metric
              </th>
              <th scope="col" className="px-3 py-2">
                Kind
              </th>
              <th scope="col" className="px-3 py-2">
                Interval
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Tags
              </th>
              <th scope="col" className="px-3 py-2">
                Owner
              </th>
              <th scope="col" className="px-3 py-2">
                Last collection
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50 dark:hover:bg-slate-900/60">
                {canEdit ? (
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.name}`}
                      checked={selected.has(row.id)}
                      onChange={() => toggle(row.id)}
                    />
                  </td>
                ) : null}
                <td className="px-3 py-2">
                  <div className="font-medium">{row.name}</div>
                  {row.description ? <div className="text-xs text-slate-500">{row.description}</div> : null}
                </td>
                <td className="px-3 py-2">{KIND_LABEL[row.kind]}</td>
                <td className="px-3 py-2">{row.interval}</td>
                <td className="px-3 py-2">
                  <Badge tone={LIFECYCLE_TONE[row.lifecycle]}>{row.lifecycle}</Badge>
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap gap-1">
                    {row.tags.map((t) => (
                      <Badge key={t}>{t}</Badge>
                    ))}
                  </div>
                </td>
                <td className="whitespace-nowrap px-3 py-2">{row.ownerName ?? '—'}</td>
                <td className="px-3 py-2">
                  {row.lastCollectionStatus === 'failed' ? (
                    <Badge tone="red">failed</Badge>
                  ) : row.lastSuccessAt ? (
                    <time dateTime={row.lastSuccessAt}>{new Date(row.lastSuccessAt).toLocaleString()}</time>
                  ) : (
                    <span className="text-slate-500">not collected yet</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
