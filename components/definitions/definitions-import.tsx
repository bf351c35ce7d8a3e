'use client';

import { useRouter } from 'next/navigation';
import { useState, type ChangeEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import {
  MAX_DEFINITIONS_FILE_BYTES,
  type DefinitionsImportResult,
  type ImportDefinitionsInput,
} from '@/lib/definitions/schemas';
import { PlanView } from './plan-view';

type ImportAction = (
  projectSlug: string,
  input: ImportDefinitionsInput,
) => Promise<ActionResult<DefinitionsImportResult>>;

type Problem = { message: string; fields: [string, string][] };

const tooLarge = (text: string) => new TextEncoder().encode(text).length > MAX_DEFINITIONS_FILE_BYTES;
const TOO_LARGE = 'The file is larger than 1 MB; import it with npm run catalog instead.';

/**
 * Paste or choose a file → preview the dry-run diff → apply exactly that plan. Editing the text after a preview
 * asks for a new preview; the server refuses to apply a plan other than the one shown.
 */
export function DefinitionsImport({
  projectSlug,
  canManageSources,
  importAction,
}: {
  projectSlug: string;
  canManageSources: boolean;
  importAction: ImportAction;
}) {
  const router = useRouter();
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<{ text: string; result: DefinitionsImportResult } | null>(null);
  const [applied, setApplied] = useState<DefinitionsImportResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);

  const run = async (input: ImportDefinitionsInput): Promise<DefinitionsImportResult | null> => {
    setProblem(null);
    if (tooLarge(input.yaml)) {
      setProblem({ message: TOO_LARGE, fields: [] });
      return null;
    }
    try {
      const result = await importAction(projectSlug, input);
      if (result.ok) return result.data;
      const fields = Object.entries(result.fields ?? {});
      // A single problem is already the message; several are listed under it.
      const [only] = fields;
      const repeated = fields.length === 1 && only !== undefined && result.message.startsWith(only[0]);
      setProblem({ message: result.message, fields: repeated ? [] : fields });
    } catch {
      setProblem({
        message: 'The file could not be sent. Try again, or import it with npm run catalog.',
        fields: [],
      });
    }
    return null;
  };

  const onPreview = async () => {
    setBusy('preview');
    setApplied(null);
    const result = await run({ yaml: text });
    setPreview(result ? { text, result } : null);
    setBusy(null);
  };

  const onApply = async () => {
    if (!preview) return;
    setBusy('apply');
    const result = await run({ yaml: preview.text, apply: true, expectedPlan: preview.result.plan });
    if (result) {
      setApplied(result);
      setPreview(null);
      router.refresh();
    }
    setBusy(null);
  };

  const onChooseFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_DEFINITIONS_FILE_BYTES) {
      setProblem({ message: TOO_LARGE, fields: [] });
      return;
    }
    setText(await file.text());
    setPreview(null);
    setProblem(null);
  };

  const current = preview && preview.text === text ? preview.result : null;
  const changes = current ? current.counts.create + current.counts.update : 0;

  return (
    <section aria-labelledby="import-definitions" className="space-y-4">
      <div>
        <h2 id="import-definitions" className="text-base font-semibold">
          Import
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Matched by name. Preview shows what would be created or updated; nothing is deleted, and nothing is
          written until you apply. One bad item refuses the whole file.
          {canManageSources ? '' : ' Creating or changing data sources needs the admin role.'}
        </p>
      </div>
      <Field id="definitions-file" label="Choose a file">
        {(props) => (
          <Input
            {...props}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            onChange={(event) => void onChooseFile(event)}
          />
        )}
      </Field>
      <Field id="definitions-yaml" label="Definitions YAML" hint="Or paste the file here.">
        {(props) => (
          <Textarea
            {...props}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setApplied(null);
            }}
            rows={16}
            spellCheck={false}
            className="font-mono text-xs"
            placeholder="version: 1"
          />
        )}
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() => void onPreview()}
          disabled={busy !== null || text.trim() === ''}
        >
          {busy === 'preview' ? 'Checking…' : 'Preview changes'}
        </Button>
        <Button onClick={() => void onApply()} disabled={busy !== null || !current || changes === 0}>
          {busy === 'apply' ? 'Applying…' : `Apply ${changes} change${changes === 1 ? '' : 's'}`}
        </Button>
      </div>
      {preview && !current ? (
        <Alert tone="warning">The text changed since the preview: preview again before applying.</Alert>
      ) : null}
      {problem ? (
        <Alert tone="error" title={problem.message}>
          {problem.fields.length > 0 ? (
            <ul className="list-disc pl-5">
              {problem.fields.map(([path, message]) => (
                <li key={path}>
                  <code>{path}</code>: {message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {applied ? (
        <Alert tone="success" title="Imported.">
          {applied.counts.create} created, {applied.counts.update} updated, {applied.counts.unchanged}{' '}
          unchanged.
        </Alert>
      ) : null}
      {current ? <PlanView result={current} /> : null}
      {applied ? <PlanView result={applied} /> : null}
    </section>
  );
}
