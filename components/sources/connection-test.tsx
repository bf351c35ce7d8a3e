'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/actions';
import type { DataSourceTestResult } from '@/lib/sources/service';

type TestAction = (projectSlug: string, input: { id: string }) => Promise<ActionResult<DataSourceTestResult>>;

/** Connects with the saved settings and shows the latency and server version, or the error to act on. */
export function ConnectionTest({
  projectSlug,
  dataSourceId,
  test,
}: {
  projectSlug: string;
  dataSourceId: string;
  test: TestAction;
}) {
  const router = useRouter();
  const [result, setResult] = useState<DataSourceTestResult | null>(null);
  const [pending, setPending] = useState(false);

  async function onTest() {
    setPending(true);
    setResult(null);
    try {
      const response = await test(projectSlug, { id: dataSourceId });
      setResult(response.ok ? response.data : { ok: false, error: response.message });
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="connection-test" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="connection-test" className="text-base font-semibold">
          Connection test
        </h2>
        <Button variant="secondary" onClick={() => void onTest()} disabled={pending}>
          {pending ? 'Testing…' : 'Test connection'}
        </Button>
        <span className="text-xs text-slate-500 dark:text-slate-400">Uses the saved settings.</span>
      </div>
      {result?.ok ? (
        <Alert tone="success" title={`Connected in ${result.latencyMs} ms`}>
          <p className="font-mono text-xs break-all">{result.version}</p>
          {result.roleFindings.length > 0 ? (
            <ul className="mt-2 list-disc pl-5 text-amber-800 dark:text-amber-300">
              {result.roleFindings.map((finding) => (
                <li key={finding}>{finding}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : result ? (
        <Alert tone="error" title="The connection failed">
          {result.error}
        </Alert>
      ) : null}
    </section>
  );
}
