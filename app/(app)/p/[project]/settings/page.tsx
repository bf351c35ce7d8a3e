import Link from 'next/link';
import { ApiTokens } from '@/components/settings/api-tokens';
import { RetentionSettings } from '@/components/settings/retention-settings';
import { SettingsLinkCard } from '@/components/settings/settings-link-card';
import { PageHeader } from '@/components/ui/page-header';
import { can, hasRole } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { getProjectRetention } from '@/lib/projects/retention-settings';
import { listApiTokens } from '@/lib/tokens/service';
import { updateProjectRetentionAction } from './retention/actions';
import { createApiTokenAction, revokeApiTokenAction } from './tokens/actions';

export const metadata = { title: 'Settings' };

export default async function SettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const [tokens, retention] = await Promise.all([listApiTokens({ ctx }), getProjectRetention({ ctx })]);
  const base = `/p/${ctx.project.slug}`;
  return (
    <>
      <PageHeader
        title="Settings"
        description={`How ${ctx.project.name} is reached from outside Sightline, and how long it keeps its history.`}
      />
      <div className="max-w-5xl space-y-12">
        <section aria-labelledby="api-tokens" className="space-y-4">
          <div>
            <h2 id="api-tokens" className="text-lg font-semibold">
              API tokens
            </h2>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              Programs call the{' '}
              <Link href={`${base}/api`} className="text-brand-700 underline dark:text-brand-100">
                REST API
              </Link>{' '}
              with <code className="font-mono text-xs">Authorization: Bearer sl_…</code>. A token acts in this
              project only, as a viewer or an editor; it is shown once when created and can be revoked at any
              time.
            </p>
          </div>
          <ApiTokens
            projectSlug={ctx.project.slug}
            tokens={tokens}
            canManage={can(ctx.role, 'manageTokens')}
            actions={{ create: createApiTokenAction, revoke: revokeApiTokenAction }}
          />
        </section>

        <section
          aria-labelledby="retention"
          className="space-y-4 border-t border-slate-200 pt-8 dark:border-slate-800"
        >
          <div>
            <h2 id="retention" className="text-lg font-semibold">
              Retention
            </h2>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              Once an hour Sightline deletes finished collection runs, resolved anomalies and finished alert
              deliveries older than these windows; metric series and the audit log are never touched. A window
              set here wins over the instance default for this project only.
            </p>
          </div>
          <RetentionSettings
            projectSlug={ctx.project.slug}
            retention={retention}
            canManage={hasRole(ctx.role, 'admin')}
            save={updateProjectRetentionAction}
          />
        </section>

        <section
          aria-labelledby="more-settings"
          className="space-y-4 border-t border-slate-200 pt-8 dark:border-slate-800"
        >
          <h2 id="more-settings" className="text-lg font-semibold">
            More settings
          </h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <SettingsLinkCard
              href={`${base}/settings/definitions`}
              title="Definitions as code"
              description="Export this project's data sources, fact tables, metrics and alert rules as YAML, or import them."
            />
            <SettingsLinkCard
              href={`${base}/api`}
              title="REST API reference"
              description="Every operation with its parameters and schemas, and how to call it with a token."
            />
          </div>
        </section>
      </div>
    </>
  );
}
