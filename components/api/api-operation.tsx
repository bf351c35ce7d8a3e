import clsx from 'clsx';
import type { ReactNode } from 'react';
import type { ReferenceOperation } from '@/lib/api/reference';

const METHOD_TONE: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  POST: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  PATCH: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  DELETE: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
};

function SchemaBlock({ label, schema }: { label: ReactNode; schema: unknown }) {
  return (
    <details className="rounded-md border border-slate-200 dark:border-slate-800">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{label}</summary>
      <pre className="max-h-96 overflow-auto border-t border-slate-200 bg-slate-50 p-3 text-xs dark:border-slate-800 dark:bg-slate-950">
        {JSON.stringify(schema, null, 2)}
      </pre>
    </details>
  );
}

/** One operation of the API reference: method, path, what it does, its parameters and schemas. */
export function ApiOperation({ op }: { op: ReferenceOperation }) {
  return (
    <article
      id={op.id}
      aria-labelledby={`${op.id}-title`}
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <header className="space-y-1">
        <h3 id={`${op.id}-title`} className="flex flex-wrap items-center gap-2 text-sm">
          <span
            className={clsx('rounded px-2 py-0.5 font-mono text-xs font-semibold', METHOD_TONE[op.method])}
          >
            {op.method}
          </span>
          <code className="font-mono text-sm break-all">{op.path}</code>
        </h3>
        <p className="text-sm font-medium">{op.summary}</p>
        {op.description ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{op.description}</p>
        ) : null}
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {op.role === 'public' ? 'Public.' : `Needs a ${op.role} token (or a signed-in ${op.role}).`}
        </p>
      </header>
      {op.parameters.length > 0 ? (
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Parameters of {op.id}</caption>
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1 pr-3">
                Parameter
              </th>
              <th scope="col" className="py-1 pr-3">
                In
              </th>
              <th scope="col" className="py-1 pr-3">
                Type
              </th>
              <th scope="col" className="py-1">
                Description
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td className="py-1 pr-3 font-mono">
                  {p.name}
                  {p.required ? <span className="text-red-700 dark:text-red-400"> *</span> : null}
                </td>
                <td className="py-1 pr-3">{p.in}</td>
                <td className="py-1 pr-3 font-mono">{p.type}</td>
                <td className="py-1">{p.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {op.requestBody ? (
        <SchemaBlock
          label={`Request body (JSON${op.requestBody.required ? '' : ', optional'})`}
          schema={op.requestBody.schema}
        />
      ) : null}
      <SchemaBlock
        label={`Response ${op.response.status}${op.response.schemaName ? `: ${op.response.schemaName}` : ''}${op.response.csv ? ' (or text/csv with format=csv)' : ''}`}
        schema={op.response.schema}
      />
    </article>
  );
}
