import { Badge, type Tone } from '@/components/ui/badge';
import { ACTION_LABELS, describeCounts, describeValue, RESOURCE_LABELS } from '@/lib/definitions/describe';
import type {
  DefinitionAction,
  DefinitionPlanEntry,
  DefinitionsImportResult,
} from '@/lib/definitions/schemas';

const TONES: Record<DefinitionAction, Tone> = {
  create: 'green',
  update: 'amber',
  unchanged: 'neutral',
  left_alone: 'blue',
};

function EntryRow({ entry }: { entry: DefinitionPlanEntry }) {
  return (
    <li className="py-2" data-testid="plan-entry">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TONES[entry.action]}>{ACTION_LABELS[entry.action]}</Badge>
        <span className="text-xs text-slate-500 dark:text-slate-400">{RESOURCE_LABELS[entry.resource]}</span>
        <span className="font-medium">{entry.name}</span>
      </div>
      {entry.changes.length > 0 ? (
        <ul aria-label={`Changes to ${entry.name}`} className="mt-1 space-y-1 pl-4 text-sm">
          {entry.changes.map((change) => (
            <li key={change.path} className="break-all">
              <code className="font-semibold">{change.path}</code>:{' '}
              <code className="text-red-700 line-through dark:text-red-400">
                {describeValue(change.before)}
              </code>{' '}
              → <code className="text-emerald-700 dark:text-emerald-400">{describeValue(change.after)}</code>
            </li>
          ))}
        </ul>
      ) : null}
      {entry.notes.map((note) => (
        <p key={note} className="mt-1 pl-4 text-sm text-amber-800 dark:text-amber-300">
          {note}
        </p>
      ))}
    </li>
  );
}

/** The dry-run diff: what would be created and updated first, then what is unchanged or left alone. */
export function PlanView({ result }: { result: DefinitionsImportResult }) {
  const changing = result.entries.filter((e) => e.action === 'create' || e.action === 'update');
  const leftAlone = result.entries.filter((e) => e.action === 'left_alone');
  const unchanged = result.entries.filter((e) => e.action === 'unchanged');
  return (
    <section aria-labelledby="import-plan" className="space-y-3">
      <h3 id="import-plan" className="text-base font-semibold">
        {result.applied ? 'Applied' : 'What importing would do'}
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">{describeCounts(result.counts)}.</p>
      {changing.length > 0 ? (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {changing.map((entry) => (
            <EntryRow key={`${entry.resource}:${entry.name}`} entry={entry} />
          ))}
        </ul>
      ) : (
        <p className="text-sm">Nothing to change: the project already matches the file.</p>
      )}
      {leftAlone.length > 0 ? (
        <details open className="text-sm">
          <summary className="cursor-pointer font-medium">
            {leftAlone.length} in the project but not in the file (left alone)
          </summary>
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {leftAlone.map((entry) => (
              <EntryRow key={`${entry.resource}:${entry.name}`} entry={entry} />
            ))}
          </ul>
        </details>
      ) : null}
      {unchanged.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium">{unchanged.length} unchanged</summary>
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {unchanged.map((entry) => (
              <EntryRow key={`${entry.resource}:${entry.name}`} entry={entry} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
