'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult } from '@/lib/actions';

type RemoveAction = (projectSlug: string, input: { id: string }) => Promise<ActionResult<{ id: string }>>;

/** Delete after a confirmation; a refusal names the fact tables that still read the data source. */
export function DeleteDataSource({
  projectSlug,
  dataSource,
  remove,
}: {
  projectSlug: string;
  dataSource: { id: string; name: string };
  remove: RemoveAction;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onDelete() {
    setError(null);
    setPending(true);
    const result = await remove(projectSlug, { id: dataSource.id });
    if (result.ok) {
      router.push(`/p/${projectSlug}/sources`);
      return;
    }
    setPending(false);
    setError(result.message);
  }

  return (
    <div className="space-y-3">
      <ConfirmDialog
        triggerLabel={pending ? 'Deleting…' : 'Delete data source'}
        title={`Delete ${dataSource.name}?`}
        confirmLabel="Delete"
        onConfirm={() => void onDelete()}
        disabled={pending}
      >
        Its stored credentials are deleted with it. A data source that fact tables read cannot be deleted.
      </ConfirmDialog>
      {error ? (
        <Alert tone="error" title="Not deleted">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
