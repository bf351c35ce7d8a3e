import Link from 'next/link';
import { DefinitionsImport } from '@/components/definitions/definitions-import';
import { buttonClassName } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { importDefinitionsAction } from './actions';

export const metadata = { title: 'Definitions as code' };

export default async function DefinitionsPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const base = `/p/${ctx.project.slug}/settings/definitions`;
  return (
    <>
      <PageHeader
        title="Definitions as code"
        description="This project's data sources, fact tables, metrics and alert rules as one YAML file, referenced by name. Keep it in version control, review changes, and import it here or into another project."
        actions={
          // A plain link, not next/link: the route answers with a file download.
          <a href={`${base}/export`} download className={buttonClassName('secondary')}>
            Download YAML
          </a>
        }
      />
      <div className="max-w-4xl space-y-8">
        <section
          aria-labelledby="what-export-holds"
          className="space-y-2 text-sm text-slate-700 dark:text-slate-300"
        >
          <h2 id="what-export-holds" className="text-base font-semibold text-slate-900 dark:text-slate-100">
            What the file holds
          </h2>
          <p>
            Every definition, with connection fields but never a secret: no data-source password and no
            webhook URL or signing secret. The same project always gives the same file, so a diff shows
            exactly what changed.
          </p>
        </section>
        {can(ctx.role, 'defineMetrics') ? (
          <DefinitionsImport
            projectSlug={ctx.project.slug}
            canManageSources={can(ctx.role, 'manageDataSources')}
            importAction={importDefinitionsAction}
          />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Importing definitions needs the editor role. See{' '}
            <Link className="underline" href={`/p/${ctx.project.slug}/metrics`}>
              the catalog
            </Link>{' '}
            for what this project defines.
          </p>
        )}
      </div>
    </>
  );
}
