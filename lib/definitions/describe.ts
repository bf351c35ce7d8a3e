/**
 * Words for an import plan, shared by the CLI and the import page. Pure and client-safe.
 */
import type {
  DefinitionAction,
  DefinitionPlanEntry,
  DefinitionResource,
  DefinitionsImportResult,
} from './schemas';

export const RESOURCE_LABELS: Record<DefinitionResource, string> = {
  data_source: 'data source',
  fact_table: 'fact table',
  metric: 'metric',
  alert_rule: 'alert rule',
};

export const ACTION_LABELS: Record<DefinitionAction, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  left_alone: 'not in file — left alone',
};

const MAX_VALUE_LENGTH = 160;

/** A changed value on one line: JSON, shortened in the middle of nothing important. */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

export function describeCounts(counts: Record<DefinitionAction, number>): string {
  return [
    `${counts.create} to create`,
    `${counts.update} to update`,
    `${counts.unchanged} unchanged`,
    `${counts.left_alone} not in file (left alone)`,
  ].join(', ');
}

const MARKS: Record<DefinitionAction, string> = { create: '+', update: '~', unchanged: '=', left_alone: '·' };

function describeEntry(entry: DefinitionPlanEntry): string[] {
  const lines = [
    `  ${MARKS[entry.action]} ${RESOURCE_LABELS[entry.resource]} "${entry.name}": ${ACTION_LABELS[entry.action]}`,
  ];
  for (const change of entry.changes) {
    lines.push(`      ${change.path}: ${describeValue(change.before)} → ${describeValue(change.after)}`);
  }
  for (const note of entry.notes) lines.push(`      note: ${note}`);
  return lines;
}

/** The plan as the CLI prints it. */
export function describePlan(result: DefinitionsImportResult, { project }: { project: string }): string {
  const header = result.applied
    ? `Applied to project ${project}:`
    : `Dry run for project ${project} (nothing written; add --apply to write):`;
  const summary = result.applied
    ? `Done: ${result.counts.create} created, ${result.counts.update} updated, ${result.counts.unchanged} unchanged, ${result.counts.left_alone} left alone.`
    : `Would: ${describeCounts(result.counts)}.`;
  return [header, ...result.entries.flatMap(describeEntry), summary].join('\n');
}
