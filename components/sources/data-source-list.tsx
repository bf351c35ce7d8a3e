import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { PublicDataSource } from '@/lib/sources/schemas';
import { KIND_LABEL } from './kind-label';

function describeTarget(source: PublicDataSource): string {
  switch (source.kind) {
    case 'postgres':
    case 'clickhouse':
      return `${source.config.user}@${source.config.host}:${source.config.port}/${source.config.database}`;
    case 'embedded':
      return 'Runs inside Sightline; no credentials';
    default: {
      const never: never = source;
      return never;
    }
  }
}

export function DataSourceList({
  sources,
  projectSlug,
}: {
  sources: PublicDataSource[];
  projectSlug: string;
}) {
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {sources.map((source) => (
        <li key={source.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div>
            <p className="font-medium">
              <Link href={`/p/${projectSlug}/sources/${source.id}`} className="hover:underline">
                {source.name}
              </Link>
            </p>
            <p className="text-sm text-slate-600 dark:text-slate-400">{describeTarget(source)}</p>
          </div>
          <div className="flex items-center gap-2 text-sm">
            <Badge tone="blue">{KIND_LABEL[source.kind]}</Badge>
            {source.passwordSet ? <Badge>password stored</Badge> : null}
            {source.lastTestError ? (
              <Badge tone="red">last test failed</Badge>
            ) : source.lastTestedAt ? (
              <Badge tone="green">tested {source.lastTestedAt.toLocaleDateString()}</Badge>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
