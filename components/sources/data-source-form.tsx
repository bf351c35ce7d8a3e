'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm, useWatch, type Resolver } from 'react-hook-form';
import { FormProblem, type FormProblemValue } from '@/components/forms/form-problem';
import { applyServerFieldErrors, errorAt } from '@/components/forms/server-errors';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClassName } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import {
  dataSourceInputSchema,
  type ClickhouseProtocol,
  type DataSourceInput,
  type PostgresSslMode,
  type PublicDataSource,
} from '@/lib/sources/schemas';

/** Both kinds' fields side by side; only the mounted ones are submitted (`shouldUnregister`). */
type DataSourceFormFields = {
  kind: 'postgres' | 'clickhouse';
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  caPem: string;
  sslmode: PostgresSslMode;
  protocol: ClickhouseProtocol;
};

type EditableDataSource = Extract<PublicDataSource, { kind: 'postgres' | 'clickhouse' }>;
type Save = (projectSlug: string, input: unknown) => Promise<ActionResult<PublicDataSource>>;

const DEFAULT_PORT = { postgres: 5432, clickhouse: 8443 } as const;
const FIELDS = new Set([
  'kind',
  'name',
  'host',
  'port',
  'database',
  'user',
  'password',
  'caPem',
  'sslmode',
  'protocol',
]);
const SSL_MODES: { value: PostgresSslMode; label: string }[] = [
  { value: 'require', label: 'require: encrypted, certificate not checked' },
  { value: 'verify-ca', label: 'verify-ca: encrypted, certificate signed by the CA' },
  { value: 'verify-full', label: 'verify-full: verify-ca and the host name matches' },
  { value: 'disable', label: 'disable: no TLS' },
];

function toDefaultValues(source: EditableDataSource | undefined): DataSourceFormFields {
  const blank = { password: '', caPem: '', sslmode: 'require', protocol: 'https' } as const;
  if (!source) {
    return { ...blank, kind: 'postgres', name: '', host: '', port: 5432, database: '', user: '' };
  }
  return { ...blank, kind: source.kind, name: source.name, ...source.config };
}

/**
 * Structured connection fields only: there is no connection-string field to smuggle driver options through.
 * Stored secrets are never sent here; an empty password or CA on edit keeps the stored one.
 */
export function DataSourceForm({
  projectSlug,
  source,
  save,
}: {
  projectSlug: string;
  source?: EditableDataSource;
  save: Save;
}) {
  const router = useRouter();
  const listPath = `/p/${projectSlug}/sources`;
  const form = useForm<DataSourceFormFields, unknown, DataSourceInput>({
    // The schema is a union by kind; this flat shape holds both, and shouldUnregister drops the unmounted kind.
    resolver: zodResolver(dataSourceInputSchema) as unknown as Resolver<
      DataSourceFormFields,
      unknown,
      DataSourceInput
    >,
    defaultValues: toDefaultValues(source),
    shouldUnregister: true,
  });
  const { register, control, handleSubmit, setError, setValue, formState } = form;
  const { errors, isSubmitting, dirtyFields } = formState;
  const [problem, setProblem] = useState<FormProblemValue | null>(null);
  const [saved, setSaved] = useState(false);
  const kind = useWatch({ control, name: 'kind' });
  const sslmode = useWatch({ control, name: 'sslmode' });

  const onSubmit = handleSubmit(async (values) => {
    setProblem(null);
    setSaved(false);
    const result = await save(projectSlug, source ? { id: source.id, ...values } : values);
    if (result.ok) {
      if (source) {
        setSaved(true);
        setValue('password', '');
        setValue('caPem', '');
        router.refresh();
      } else {
        router.push(`${listPath}/${result.data.id}`);
      }
      return;
    }
    const details = applyServerFieldErrors(result.fields, {
      setError,
      placeAt: (path) => (FIELDS.has(path) ? path : null),
    });
    setProblem({ message: result.message, details });
  });

  const secretHint = (stored: boolean, what: string) =>
    stored ? `A ${what} is stored and never shown. Leave this empty to keep it.` : undefined;

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="max-w-3xl space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="source-name" label="Name" error={errorAt(errors, 'name')}>
          {(props) => <Input {...props} {...register('name')} autoComplete="off" />}
        </Field>
        {source ? (
          <div>
            <p className="mb-1 block text-sm font-medium">Type</p>
            <p className="py-2 text-sm">{source.kind === 'postgres' ? 'Postgres' : 'ClickHouse'}</p>
            <input type="hidden" {...register('kind')} />
          </div>
        ) : (
          <Field id="source-kind" label="Type" error={errorAt(errors, 'kind')}>
            {(props) => (
              <Select
                {...props}
                {...register('kind', {
                  onChange: (event: { target: { value: 'postgres' | 'clickhouse' } }) => {
                    if (!dirtyFields.port) setValue('port', DEFAULT_PORT[event.target.value]);
                  },
                })}
              >
                <option value="postgres">Postgres (or Postgres-compatible)</option>
                <option value="clickhouse">ClickHouse</option>
              </Select>
            )}
          </Field>
        )}
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-[1fr_8rem]">
        <legend className="mb-2 text-base font-semibold">Connection</legend>
        <Field
          id="source-host"
          label="Host"
          error={errorAt(errors, 'host')}
          hint="A host name or IP address only."
        >
          {(props) => <Input {...props} {...register('host')} autoComplete="off" spellCheck={false} />}
        </Field>
        <Field id="source-port" label="Port" error={errorAt(errors, 'port')}>
          {(props) => (
            <Input
              {...props}
              {...register('port', { valueAsNumber: true })}
              type="number"
              min={1}
              max={65535}
            />
          )}
        </Field>
        <Field id="source-database" label="Database" error={errorAt(errors, 'database')}>
          {(props) => <Input {...props} {...register('database')} autoComplete="off" spellCheck={false} />}
        </Field>
        <div className="hidden sm:block" />
        <Field
          id="source-user"
          label="User"
          error={errorAt(errors, 'user')}
          hint="A read-only user is enough, and safest."
        >
          {(props) => <Input {...props} {...register('user')} autoComplete="off" spellCheck={false} />}
        </Field>
        <div className="hidden sm:block" />
        <Field
          id="source-password"
          label="Password"
          error={errorAt(errors, 'password')}
          hint={secretHint(Boolean(source?.passwordSet), 'password')}
        >
          {(props) => (
            <Input
              {...props}
              {...register('password')}
              type="password"
              autoComplete="new-password"
              placeholder={source?.passwordSet ? '••••••••' : undefined}
            />
          )}
        </Field>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="mb-2 text-base font-semibold">TLS</legend>
        {kind === 'postgres' ? (
          <Field id="source-sslmode" label="TLS mode" error={errorAt(errors, 'sslmode')} className="max-w-md">
            {(props) => (
              <Select {...props} {...register('sslmode')}>
                {SSL_MODES.map((mode) => (
                  <option key={mode.value} value={mode.value}>
                    {mode.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : (
          <Field
            id="source-protocol"
            label="Protocol"
            error={errorAt(errors, 'protocol')}
            className="max-w-md"
          >
            {(props) => (
              <Select {...props} {...register('protocol')}>
                <option value="https">https</option>
                <option value="http">http (no TLS)</option>
              </Select>
            )}
          </Field>
        )}
        <Field
          id="source-ca"
          label="CA certificate (PEM)"
          error={errorAt(errors, 'caPem')}
          hint={
            secretHint(Boolean(source?.caPemSet), 'CA certificate') ??
            (kind === 'postgres' && sslmode?.startsWith('verify')
              ? 'Leave empty to trust the usual public certificate authorities.'
              : 'Only needed for a server certificate signed by your own CA.')
          }
        >
          {(props) => (
            <Textarea
              {...props}
              {...register('caPem')}
              rows={4}
              className="font-mono text-xs"
              spellCheck={false}
              placeholder={source?.caPemSet ? '•••••••• (stored)' : '-----BEGIN CERTIFICATE-----'}
            />
          )}
        </Field>
      </fieldset>

      <FormProblem problem={problem} />
      {saved ? (
        <Alert tone="success">Data source saved. Test the connection to check the new settings.</Alert>
      ) : null}

      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : source ? 'Save changes' : 'Create data source'}
        </Button>
        <Link href={listPath} className={buttonClassName('ghost')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
