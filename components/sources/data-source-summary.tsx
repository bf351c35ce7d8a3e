import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import type { PublicDataSource } from '@/lib/sources/schemas';
import { KIND_LABEL } from './kind-label';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A data source's public view, for readers and for the embedded warehouse (which has nothing to edit). */
export function DataSourceSummary({ source }: { source: PublicDataSource }) {
  return (
    <dl className="grid max-w-3xl gap-x-8 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
      <Row label="Type">{KIND_LABEL[source.kind]}</Row>
      {source.kind === 'embedded' ? (
        <Row label="Connection">Runs inside Sightline; no credentials to manage.</Row>
      ) : (
        <>
          <Row label="Host">
            <span className="font-mono">
              {source.config.host}:{source.config.port}
            </span>
          </Row>
          <Row label="Database">
            <span className="font-mono">{source.config.database}</span>
          </Row>
          <Row label="User">
            <span className="font-mono">{source.config.user}</span>
          </Row>
          <Row label="Password">{source.passwordSet ? '•••••••• (stored)' : 'none'}</Row>
          <Row label={source.kind === 'postgres' ? 'TLS mode' : 'Protocol'}>
            {source.kind === 'postgres' ? source.config.sslmode : source.config.protocol}
          </Row>
        </>
      )}
      <Row label="Last test">
        {source.lastTestError ? (
          <span className="inline-flex flex-wrap items-center gap-2">
            <Badge tone="red">failed</Badge>
            {source.lastTestError}
          </span>
        ) : source.lastTestedAt ? (
          <Badge tone="green">
            passed {source.lastTestedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC
          </Badge>
        ) : (
          'not tested yet'
        )}
      </Row>
    </dl>
  );
}
