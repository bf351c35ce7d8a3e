import Link from 'next/link';
import { ApiOperation } from '@/components/api/api-operation';
import { PageHeader } from '@/components/ui/page-header';
import { openApiDocument } from '@/lib/api/openapi';
import { referenceOf } from '@/lib/api/reference';
import { can } from '@/lib/auth/roles';
import { requirePageContext } from '@/lib/auth/session';
import { env } from '@/lib/env';

export const metadata = { title: 'API' };

function CodeBlock({ children, label }: { children: string; label: string }) {
  return (
    <pre
      aria-label={label}
      className="overflow-x-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100"
    >
      <code>{children}</code>
    </pre>
  );
}

export default async function ApiPage({ params }: { params: Promise<{ project: string }> }) {
  const ctx = await requirePageContext((await params).project);
  const groups = referenceOf(openApiDocument());
  const origin = env().APP_URL ? new URL(env().APP_URL as string).origin : 'http://localhost:3000';
  const base = `${origin}/api/v1/projects/${ctx.project.slug}`;
  const settings = `/p/${ctx.project.slug}/settings`;
  return (
    <>
      <PageHeader
        title="API"
        description="The REST API of this project: the same definitions, series and checks as the app, for programs."
        actions={
          <a href="/api/v1/openapi.json" className="text-sm text-brand-700 underline dark:text-brand-100">
            OpenAPI document
          </a>
        }
      />
      <div className="max-w-5xl space-y-10">
        <section aria-labelledby="getting-started" className="space-y-3 text-sm">
          <h2 id="getting-started" className="text-lg font-semibold">
            Getting started
          </h2>
          <ol className="list-decimal space-y-2 pl-5">
            <li>
              {can(ctx.role, 'manageTokens') ? (
                <>
                  Create a token under{' '}
                  <Link href={settings} className="text-brand-700 underline dark:text-brand-100">
                    Settings → API tokens
                  </Link>
                  .
                </>
              ) : (
                <>
                  Ask a project admin for a token; they create it under{' '}
                  <Link href={settings} className="text-brand-700 underline dark:text-brand-100">
                    Settings → API tokens
                  </Link>
                  .
                </>
              )}{' '}
              A <strong>viewer</strong> token reads; an <strong>editor</strong> token also changes
              definitions, runs collection and acknowledges anomalies. The token is shown once: keep it in a
              secret store.
            </li>
            <li>
              Send it as <code className="font-mono">Authorization: Bearer sl_…</code> with every request.
              Bodies are JSON (at most 1 MB); unknown fields are refused.
            </li>
            <li>
              Errors are <code className="font-mono">{'{ "error": { "code", "message", "fields" } }'}</code>,
              with <code className="font-mono">fields</code> naming each bad field by its path. Lists answer{' '}
              <code className="font-mono">{'{ "data": [...], "nextCursor" }'}</code>; pass{' '}
              <code className="font-mono">cursor</code> for the next page.
            </li>
          </ol>
          <CodeBlock label="curl example">{`export SIGHTLINE_TOKEN=sl_…

# List active metrics
curl -H "Authorization: Bearer $SIGHTLINE_TOKEN" \\
  "${base}/metrics?lifecycle=active"

# A metric's last 30 days as CSV
curl -H "Authorization: Bearer $SIGHTLINE_TOKEN" \\
  "${base}/metrics/<metricId>/series?range=30d&format=csv"`}</CodeBlock>
        </section>

        {groups.map(({ tag, operations }) => (
          <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-3">
            <h2 id={`tag-${tag}`} className="text-lg font-semibold">
              {tag}
            </h2>
            {operations.map((op) => (
              <ApiOperation key={op.id} op={op} />
            ))}
          </section>
        ))}
      </div>
    </>
  );
}
