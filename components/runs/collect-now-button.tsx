'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { startCollectionAction } from '@/app/(app)/p/[project]/runs/actions';
import { Button } from '@/components/ui/button';

/** Queues a manual run of every active metric (or the given ones) and opens its page. */
export function CollectNowButton({
  projectSlug,
  metricIds,
  label = 'Collect now',
}: {
  projectSlug: string;
  metricIds?: string[];
  label?: string;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-3">
      {error ? (
        <span role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </span>
      ) : null}
      <Button
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await startCollectionAction(projectSlug, metricIds ? { metricIds } : {});
            if (result.ok) router.push(`/p/${projectSlug}/runs/${result.data.id}`);
            else setError(result.message);
          })
        }
      >
        {pending ? 'Starting…' : label}
      </Button>
    </div>
  );
}
