/**
 * The dry-run diff: for each resource in the file, create / update (with the changed fields) / unchanged, and
 * for each one the project has that the file does not name, "left alone" (import never deletes). Pure: both
 * sides come in canonical form (canonical.ts), so a difference is a real one.
 */
import { diffSnapshots } from '@/lib/metrics/diff';
import {
  canonicalAlertRule,
  canonicalDataSource,
  canonicalMetric,
  comparableAlertRule,
  comparableFactTable,
  compareText,
} from './canonical';
import type {
  DefinitionAction,
  DefinitionPlanEntry,
  DefinitionResource,
  DefinitionsFile,
  FileAlertRule,
  FileDataSource,
} from './schemas';

export type PlanFacts = {
  /** Names of the project's data sources that have a password stored. */
  sourcesWithPassword: ReadonlySet<string>;
};

export const PASSWORD_NOTE = 'Created without a password: set its password in Sources.';
export const COLUMNS_NOTE =
  'Its data source has no password yet: checked against the columns listed in the file, not the warehouse.';
export const RULE_SECRET_NOTE =
  'The webhook URL and signing secret in the file are read only for new rules; change them in Alert rules.';

/** Whether the warehouse behind a data source can be queried now, as far as import can tell before trying. */
export function canQuerySource(
  name: string,
  { file, current, facts }: { file: DefinitionsFile; current: DefinitionsFile; facts: PlanFacts },
): boolean {
  const source =
    current.dataSources.find((s) => s.name === name) ?? file.dataSources.find((s) => s.name === name);
  if (!source) return false;
  if (source.kind === 'embedded') return true;
  return facts.sourcesWithPassword.has(name);
}

function compare<T extends { name: string }>({
  resource,
  wanted,
  existing,
  comparable,
  notes,
}: {
  resource: DefinitionResource;
  wanted: readonly T[];
  existing: readonly T[];
  comparable: (entry: T) => unknown;
  notes?: (entry: T, action: DefinitionAction, before: T | undefined) => string[];
}): DefinitionPlanEntry[] {
  const entries: DefinitionPlanEntry[] = [];
  for (const entry of [...wanted].sort((a, b) => compareText(a.name, b.name))) {
    const before = existing.find((e) => e.name === entry.name);
    const changes = before ? diffSnapshots(comparable(before), comparable(entry)) : [];
    const action: DefinitionAction = !before ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
    entries.push({
      resource,
      name: entry.name,
      action,
      changes,
      notes: notes?.(entry, action, before) ?? [],
    });
  }
  const named = new Set(wanted.map((e) => e.name));
  const leftAlone = [...new Set(existing.filter((e) => !named.has(e.name)).map((e) => e.name))].sort(
    compareText,
  );
  for (const name of leftAlone) {
    entries.push({ resource, name, action: 'left_alone', changes: [], notes: [] });
  }
  return entries;
}

/** `file` and `current` in canonical form. */
export function planImport({
  file,
  current,
  facts,
}: {
  file: DefinitionsFile;
  current: DefinitionsFile;
  facts: PlanFacts;
}): DefinitionPlanEntry[] {
  const queryable = (name: string) => canQuerySource(name, { file, current, facts });
  return [
    ...compare<FileDataSource>({
      resource: 'data_source',
      wanted: file.dataSources,
      existing: current.dataSources,
      comparable: canonicalDataSource,
      notes: (source, action) => (action === 'create' && source.kind !== 'embedded' ? [PASSWORD_NOTE] : []),
    }),
    ...compare({
      resource: 'fact_table',
      wanted: file.factTables,
      existing: current.factTables,
      comparable: comparableFactTable,
      notes: (table, action) =>
        (action === 'create' || action === 'update') && !queryable(table.dataSource) ? [COLUMNS_NOTE] : [],
    }),
    ...compare({
      resource: 'metric',
      wanted: file.metrics,
      existing: current.metrics,
      comparable: canonicalMetric,
    }),
    ...compare<FileAlertRule>({
      resource: 'alert_rule',
      wanted: file.alertRules,
      existing: current.alertRules,
      comparable: comparableAlertRule,
      notes: (rule, action) => {
        const channel = canonicalAlertRule(rule).channel;
        const hasSecret =
          channel.url !== undefined || (channel.type === 'webhook' && channel.signingSecret !== undefined);
        return action !== 'create' && hasSecret ? [RULE_SECRET_NOTE] : [];
      },
    }),
  ];
}

export function countActions(entries: readonly DefinitionPlanEntry[]): Record<DefinitionAction, number> {
  const counts: Record<DefinitionAction, number> = { create: 0, update: 0, unchanged: 0, left_alone: 0 };
  for (const entry of entries) counts[entry.action] += 1;
  return counts;
}
