/**
 * What a file refers to must exist in the file or in the project, and the compositions it defines must not
 * form a cycle with each other or with the project's. Every problem is reported at once, at its path in the
 * file as written (`metrics[3].definition.operand.factTable`). Pure: the project comes in as its canonical
 * export. Checks that need the warehouse or the database's own rules run later, through the service verbs.
 */
import type { FieldErrors } from '@/lib/errors';
import { compareText } from './canonical';
import { canQuerySource, type PlanFacts } from './plan';
import type {
  DefinitionPlanEntry,
  DefinitionsFile,
  FileDefinition,
  FileFactTable,
  FileMetric,
  FileOperand,
} from './schemas';
import { formatPath, type PathSegment } from './yaml';

export type ReferenceFacts = PlanFacts & {
  /** Lower-cased emails of the project's members. */
  memberEmails: ReadonlySet<string>;
  /** How many of the project's alert rules have each name. */
  ruleNameCounts: ReadonlyMap<string, number>;
};

/** The metrics a definition reads, with the field that names each. */
export function inputsOf(definition: FileDefinition): { field: 'a' | 'b'; name: string }[] {
  if (definition.kind !== 'composition') return [];
  const inputs: { field: 'a' | 'b'; name: string }[] = [{ field: 'a', name: definition.a }];
  if (definition.op !== 'scale' && definition.b !== null) inputs.push({ field: 'b', name: definition.b });
  return inputs;
}

function operandsOf(definition: FileDefinition): { path: PathSegment[]; operand: FileOperand }[] {
  if (definition.kind !== 'fact') return [];
  return definition.shape === 'single'
    ? [{ path: ['operand'], operand: definition.operand }]
    : [
        { path: ['numerator'], operand: definition.numerator },
        { path: ['denominator'], operand: definition.denominator },
      ];
}

const quote = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/**
 * `file` as written (its indexes are the paths); `current` the project's canonical export; `plan` the diff, for
 * what only matters to entries that will be written.
 */
export function checkReferences({
  file,
  current,
  plan,
  facts,
}: {
  file: DefinitionsFile;
  current: DefinitionsFile;
  plan: readonly DefinitionPlanEntry[];
  facts: ReferenceFacts;
}): FieldErrors {
  const errors: FieldErrors = {};
  const add = (path: PathSegment[], message: string) => {
    errors[formatPath(path)] ??= message;
  };
  const written = (resource: DefinitionPlanEntry['resource'], name: string) =>
    plan.some(
      (e) => e.resource === resource && e.name === name && (e.action === 'create' || e.action === 'update'),
    );

  const sourceNames = new Set([...file.dataSources, ...current.dataSources].map((s) => s.name));
  const factTable = (name: string): FileFactTable | undefined =>
    file.factTables.find((t) => t.name === name) ?? current.factTables.find((t) => t.name === name);
  const definitionOf = (name: string): FileDefinition | undefined =>
    (file.metrics.find((m) => m.name === name) ?? current.metrics.find((m) => m.name === name))?.definition;
  const queryable = (name: string) => canQuerySource(name, { file, current, facts });

  file.factTables.forEach((table, i) => {
    if (!sourceNames.has(table.dataSource)) {
      add(
        ['factTables', i, 'dataSource'],
        `No data source named "${table.dataSource}" in the file or the project.`,
      );
    } else if (written('fact_table', table.name) && !queryable(table.dataSource) && !table.columns) {
      add(
        ['factTables', i, 'columns'],
        `"${table.dataSource}" has no password yet, so the query's columns cannot be read from it: list them under columns (an export writes them), or set the password in Sources first.`,
      );
    }
  });

  file.metrics.forEach((metric, i) => {
    const at = (...path: PathSegment[]) => ['metrics', i, ...path];
    if (metric.owner !== null && !facts.memberEmails.has(metric.owner.toLowerCase())) {
      add(at('owner'), `${metric.owner} is not a member of this project.`);
    }
    const definition = metric.definition;
    for (const { path, operand } of operandsOf(definition)) {
      const table = factTable(operand.factTable);
      if (!table) {
        add(
          at('definition', ...path, 'factTable'),
          `No fact table named "${operand.factTable}" in the file or the project.`,
        );
        continue;
      }
      const filters = table.rowFilters.map((f) => f.name);
      operand.rowFilters.forEach((name, j) => {
        if (!filters.includes(name)) {
          add(
            at('definition', ...path, 'rowFilters', j),
            `${table.name} has no row filter "${name}"; its row filters: ${filters.length > 0 ? quote(filters) : '(none)'}.`,
          );
        }
      });
    }
    if (definition.kind === 'sql') {
      if (!sourceNames.has(definition.dataSource)) {
        add(
          at('definition', 'dataSource'),
          `No data source named "${definition.dataSource}" in the file or the project.`,
        );
      } else if (written('metric', metric.name) && !queryable(definition.dataSource)) {
        add(
          at('definition', 'dataSource'),
          `"${definition.dataSource}" has no password yet, so this SQL cannot be checked against it: set the password in Sources, then import again.`,
        );
      }
    }
    for (const input of inputsOf(definition)) {
      if (!definitionOf(input.name)) {
        add(at('definition', input.field), `No metric named "${input.name}" in the file or the project.`);
        continue;
      }
      const route = findRoute(input.name, metric.name, definitionOf);
      if (route) {
        add(
          at('definition', input.field),
          `Reading "${input.name}" forms a cycle: ${[metric.name, ...route].map((n) => `"${n}"`).join(' reads ')}.`,
        );
      }
    }
  });

  const metricNames = new Set([...file.metrics, ...current.metrics].map((m) => m.name));
  file.alertRules.forEach((rule, i) => {
    const count = facts.ruleNameCounts.get(rule.name) ?? 0;
    if (count > 1) {
      add(
        ['alertRules', i, 'name'],
        `${count} alert rules in this project are named "${rule.name}": rename them in Alert rules so the file can tell them apart.`,
      );
    }
    if (rule.scope.type === 'metrics') {
      rule.scope.metrics.forEach((name, j) => {
        if (!metricNames.has(name)) {
          add(
            ['alertRules', i, 'scope', 'metrics', j],
            `No metric named "${name}" in the file or the project.`,
          );
        }
      });
    }
    if (count === 0) {
      if (rule.channel.url === undefined) {
        add(
          ['alertRules', i, 'channel', 'url'],
          'A new alert rule needs its webhook URL: add url under channel (an export never writes it).',
        );
      }
      if (rule.channel.type === 'webhook' && rule.channel.signingSecret === undefined) {
        add(
          ['alertRules', i, 'channel', 'signingSecret'],
          'A new webhook rule needs its signing secret: add signingSecret under channel (an export never writes it).',
        );
      }
    }
  });
  return errors;
}

/**
 * The metrics passed from `from` to `to` by following what each composition reads (the file's definition where
 * it has one, the project's otherwise), or null when `to` is not reachable.
 */
function findRoute(
  from: string,
  to: string,
  definitionOf: (name: string) => FileDefinition | undefined,
): string[] | null {
  const cameFrom = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    if (at === to) {
      const route: string[] = [];
      for (let step: string | null | undefined = at; step; step = cameFrom.get(step)) route.unshift(step);
      return route;
    }
    const definition = definitionOf(at);
    for (const input of definition ? inputsOf(definition) : []) {
      if (cameFrom.has(input.name)) continue;
      cameFrom.set(input.name, at);
      queue.push(input.name);
    }
  }
  return null;
}

/**
 * The file's metrics with each composition after the written metrics it reads; otherwise by name. Cycles were
 * refused before this runs; should one remain, its metrics go last and the verb's own cycle check refuses them.
 */
export function dependencyOrder(
  metrics: readonly FileMetric[],
  isWritten: (name: string) => boolean,
): { entry: FileMetric; index: number }[] {
  const pending = metrics
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => compareText(a.entry.name, b.entry.name));
  const placed = new Set<string>();
  const ordered: { entry: FileMetric; index: number }[] = [];
  while (pending.length > 0) {
    const next = pending.findIndex(({ entry }) =>
      inputsOf(entry.definition).every(
        (input) => placed.has(input.name) || !isWritten(input.name) || input.name === entry.name,
      ),
    );
    const [item] = pending.splice(next === -1 ? 0 : next, 1);
    if (!item) break;
    ordered.push(item);
    placed.add(item.entry.name);
  }
  return ordered;
}
