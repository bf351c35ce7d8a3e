'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { formatInstant } from '@/components/runs/run-format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import {
  TOKEN_NAME_MAX,
  TOKEN_ROLES,
  type ApiTokenDto,
  type CreatedApiToken,
  type TokenRole,
} from '@/lib/tokens/schemas';

type CreateAction = (
  projectSlug: string,
  input: { name: string; role: TokenRole },
) => Promise<ActionResult<CreatedApiToken>>;
type RevokeAction = (projectSlug: string, input: { tokenId: string }) => Promise<ActionResult<ApiTokenDto>>;

const ROLE_HINT: Record<TokenRole, string> = {
  viewer: 'Reads metrics, series, anomalies, runs and alert rules.',
  editor: 'Also changes definitions, runs collection and acknowledges anomalies.',
};

/** The API tokens of a project: the list for everyone, creating and revoking for admins. */
export function ApiTokens({
  projectSlug,
  tokens,
  canManage,
  actions,
}: {
  projectSlug: string;
  tokens: ApiTokenDto[];
  canManage: boolean;
  actions: { create: CreateAction; revoke: RevokeAction };
}) {
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  return (
    <div className="space-y-6">
      {canManage ? (
        <CreateTokenForm projectSlug={projectSlug} create={actions.create} onCreated={setCreated} />
      ) : (
        <Alert tone="info" title="Admins manage tokens">
          You can see which tokens exist; only a project admin can create or revoke them.
        </Alert>
      )}
      {created ? <NewTokenSecret created={created} onDone={() => setCreated(null)} /> : null}
      <TokenList projectSlug={projectSlug} tokens={tokens} canManage={canManage} revoke={actions.revoke} />
    </div>
  );
}

function CreateTokenForm({
  projectSlug,
  create,
  onCreated,
}: {
  projectSlug: string;
  create: CreateAction;
  onCreated: (created: CreatedApiToken) => void;
}) {
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('viewer');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      aria-label="Create an API token"
      className="grid gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start dark:border-slate-800"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          setErrors({});
          setProblem(null);
          const result = await create(projectSlug, { name, role });
          if (result.ok) {
            setName('');
            onCreated(result.data);
            router.refresh();
            return;
          }
          setErrors(result.fields ?? {});
          if (!result.fields?.name && !result.fields?.role) setProblem(result.message);
        });
      }}
    >
      <Field
        id={`${id}-name`}
        label="Token name"
        hint="What uses it, e.g. “Nightly export”."
        error={errors.name}
      >
        {(control) => (
          <Input
            {...control}
            value={name}
            maxLength={TOKEN_NAME_MAX}
            onChange={(e) => setName(e.target.value)}
            required
          />
        )}
      </Field>
      <Field id={`${id}-role`} label="Role" hint={ROLE_HINT[role]} error={errors.role}>
        {(control) => (
          <Select {...control} value={role} onChange={(e) => setRole(e.target.value as TokenRole)}>
            {TOKEN_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <div className="sm:pt-6">
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create token'}
        </Button>
      </div>
      {problem ? (
        <Alert tone="error" title="Not created" className="sm:col-span-3">
          {problem}
        </Alert>
      ) : null}
    </form>
  );
}

/** The token itself, shown this once: it is stored only as a hash. */
function NewTokenSecret({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  return (
    <Alert tone="success" title={`Token “${created.token.name}” created`}>
      <p>Copy it now: it is shown only this once. Sightline keeps only a hash of it.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor={id} className="sr-only">
          New API token
        </label>
        <input
          id={id}
          readOnly
          value={created.secret}
          data-testid="new-api-token"
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 dark:border-emerald-800 dark:bg-slate-950 dark:text-slate-100"
        />
        <Button
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(created.secret);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </Alert>
  );
}

function TokenList({
  projectSlug,
  tokens,
  canManage,
  revoke,
}: {
  projectSlug: string;
  tokens: ApiTokenDto[];
  canManage: boolean;
  revoke: RevokeAction;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (tokens.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">No API tokens yet.</p>;
  }
  return (
    <div className="space-y-3">
      {error ? (
        <Alert tone="error" title="Not revoked">
          {error}
        </Alert>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">API tokens</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-900 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-3 py-2">
                Name
              </th>
              <th scope="col" className="px-3 py-2">
                Role
              </th>
              <th scope="col" className="px-3 py-2">
                Token
              </th>
              <th scope="col" className="px-3 py-2">
                Created
              </th>
              <th scope="col" className="px-3 py-2">
                Last used
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              {canManage ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {tokens.map((token) => (
              <tr key={token.id} data-testid="api-token-row">
                <td className="px-3 py-2 font-medium">{token.name}</td>
                <td className="px-3 py-2">{token.role}</td>
                <td className="px-3 py-2 font-mono text-xs">{token.prefix}…</td>
                <td className="px-3 py-2">
                  {formatInstant(token.createdAt)}
                  <span className="block text-xs text-slate-500 dark:text-slate-400">
                    by {token.createdBy?.name ?? 'someone no longer here'}
                  </span>
                </td>
                <td className="px-3 py-2">{token.lastUsedAt ? formatInstant(token.lastUsedAt) : 'Never'}</td>
                <td className="px-3 py-2">
                  {token.revokedAt ? (
                    <Badge tone="red">Revoked {formatInstant(token.revokedAt)}</Badge>
                  ) : (
                    <Badge tone="green">Active</Badge>
                  )}
                </td>
                {canManage ? (
                  <td className="px-3 py-2 text-right">
                    {token.revokedAt ? null : (
                      <ConfirmDialog
                        triggerLabel="Revoke"
                        title={`Revoke “${token.name}”?`}
                        confirmLabel="Revoke"
                        disabled={pending}
                        onConfirm={() =>
                          startTransition(async () => {
                            setError(null);
                            const result = await revoke(projectSlug, { tokenId: token.id });
                            if (result.ok) router.refresh();
                            else setError(result.message);
                          })
                        }
                      >
                        Requests with this token are refused from now on. This cannot be undone.
                      </ConfirmDialog>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
