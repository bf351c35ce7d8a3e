/**
 * Writes a planned import through the modules' own verbs, in the caller's transaction: every change is checked
 * (SQL guard, warehouse, references, cycles, roles) and audited exactly as the same change made in the UI would
 * be. Entries the plan calls unchanged are not touched, so they leave no audit entry or metric version.
 *
 * Order: data sources, fact tables, metrics (a composition after the metrics it reads), alert rules. A verb's
 * error is re-raised at the entry's path in the file (`metrics[3].definition.operand.factTable`).
 */
import { createAlertRule, updateAlertRule } from '@/lib/alerts/service';
import type { ServiceContext } from '@/lib/context';
import { AppError, type FieldErrors } from '@/lib/errors';
import { createFactTable, listFactTables, updateFactTable } from '@/lib/fact-tables/service';
import type { FactOperand, MetricDefinition, MetricInput } from '@/lib/metrics/schemas';
import { createMetric, updateMetric } from '@/lib/metrics/service';
import type { OutboundDeps } from '@/lib/net/outbound-guard';
import type { PublicDataSource } from '@/lib/sources/schemas';
import {
  createDataSource,
  createEmbeddedDataSource,
  listDataSources,
  updateDataSource,
} from '@/lib/sources/service';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import type { ProjectCatalog } from './catalog';
import { compareText } from './canonical';
import { dependencyOrder } from './references';
import type {
  DefinitionAction,
  DefinitionPlanEntry,
  DefinitionResource,
  DefinitionsFile,
  FileAlertRule,
  FileDataSource,
  FileDefinition,
  FileMetric,
  FileOperand,
} from './schemas';
import { formatPath, type PathSegment } from './yaml';

export type ImportDeps = {
  /** Tests hand in a warehouse client; by default each data source's own client is opened. */
  resolve?: WarehouseResolver;
  /** For the outbound guard on data-source hosts and webhook URLs (tests use a stub resolver). */
  outbound?: OutboundDeps;
};

/** Verb field names that the file spells differently (it names things where the verbs take ids). */
const FILE_FIELD: Record<string, string> = {
  ownerId: 'owner',
  factTableId: 'factTable',
  rowFilterIds: 'rowFilters',
  dataSourceId: 'dataSource',
  metricIds: 'metrics',
};
const ENTRY_FIELDS = new Set(['_', 'id', 'metricId', 'expectedVersion']);

/** `definition.operand.rowFilterIds.0` → `.definition.operand.rowFilters[0]`. */
function toFileSuffix(verbPath: string): string {
  if (ENTRY_FIELDS.has(verbPath)) return '';
  const segments: PathSegment[] = verbPath
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : (FILE_FIELD[s] ?? s)));
  const formatted = formatPath(segments);
  return formatted.startsWith('[') ? formatted : `.${formatted}`;
}

/** Re-raises a verb's error at the entry's place in the file, keeping its code (and so its HTTP status). */
async function atEntry<T>(path: PathSegment[], name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const base = formatPath(path);
    const fieldErrors: FieldErrors = {};
    for (const [verbPath, message] of Object.entries(error.fieldErrors ?? {})) {
      fieldErrors[`${base}${toFileSuffix(verbPath)}`] ??= message;
    }
    if (Object.keys(fieldErrors).length === 0) fieldErrors[base] = error.message;
    throw new AppError(error.code, `${base} ("${name}"): ${error.message}`, { fieldErrors, cause: error });
  }
}

const indexed = <T extends { name: string }>(entries: readonly T[]) =>
  entries.map((entry, index) => ({ entry, index })).sort((a, b) => compareText(a.entry.name, b.entry.name));

function sourceInput(source: Exclude<FileDataSource, { kind: 'embedded' }>) {
  // Never a password: it is not in the file, and an update without one keeps the stored one.
  return { ...source };
}

export async function applyDefinitions(
  ctx: ServiceContext,
  {
    file,
    catalog,
    plan,
    deps = {},
  }: {
    file: DefinitionsFile;
    catalog: ProjectCatalog;
    plan: readonly DefinitionPlanEntry[];
    deps?: ImportDeps;
  },
): Promise<void> {
  const actionOf = (resource: DefinitionResource, name: string): DefinitionAction | undefined =>
    plan.find((e) => e.resource === resource && e.name === name)?.action;
  const writes = (resource: DefinitionResource, name: string) => {
    const action = actionOf(resource, name);
    return action === 'create' || action === 'update' ? action : null;
  };

  for (const { entry: source, index } of indexed(file.dataSources)) {
    const action = writes('data_source', source.name);
    if (!action) continue;
    await atEntry(['dataSources', index], source.name, async () => {
      const existing = catalog.dataSources.get(source.name);
      if (source.kind === 'embedded' || existing?.kind === 'embedded') {
        if (action === 'update') {
          throw new AppError('validation', 'The embedded demo warehouse cannot be edited or replaced.', {
            fieldErrors: { kind: 'The embedded demo warehouse cannot be edited or replaced.' },
          });
        }
        if (source.kind !== 'embedded') throw new Error('unreachable: a new source has no stored kind');
        const { name, description } = source;
        return createEmbeddedDataSource({
          ctx,
          input: description === undefined ? { name } : { name, description },
        });
      }
      if (action === 'create') {
        return createDataSource({
          ctx,
          input: sourceInput(source),
          deps: deps.outbound,
          passwordOptional: true,
        });
      }
      if (!existing) throw new Error('unreachable: an update has a stored data source');
      return updateDataSource({
        ctx,
        input: { id: existing.id, ...sourceInput(source) },
        deps: deps.outbound,
      });
    });
  }

  const sources = new Map((await listDataSources({ ctx })).map((s) => [s.name, s]));
  const sourceNamed = (name: string): PublicDataSource => {
    const source = sources.get(name);
    if (!source) throw new AppError('validation', `No data source named "${name}".`);
    return source;
  };

  for (const { entry: table, index } of indexed(file.factTables)) {
    const action = writes('fact_table', table.name);
    if (!action) continue;
    await atEntry(['factTables', index], table.name, async () => {
      const source = sourceNamed(table.dataSource);
      const input = {
        name: table.name,
        description: table.description,
        dataSourceId: source.id,
        sql: table.sql,
        timestampColumn: table.timestampColumn,
        identifierColumns: table.identifierColumns,
        rowFilters: table.rowFilters.map(({ name, expression }) => ({ name, expression })),
      };
      // A source without a password cannot be queried yet: the file's columns stand in for the warehouse's.
      const columns = source.kind === 'embedded' || source.passwordSet ? undefined : table.columns;
      if (action === 'create') return createFactTable({ ctx, input, resolve: deps.resolve, columns });
      const existing = catalog.factTables.get(table.name);
      if (!existing) throw new Error('unreachable: an update has a stored fact table');
      return updateFactTable({ ctx, input: { id: existing.id, ...input }, resolve: deps.resolve, columns });
    });
  }

  const tables = new Map((await listFactTables({ ctx })).map((t) => [t.name, t]));
  const metricIds = new Map([...catalog.metrics].map(([name, m]) => [name, m.id]));
  const lookups = {
    factTable: (name: string) => tables.get(name),
    dataSource: (name: string) => sources.get(name)?.id,
    metric: (name: string) => metricIds.get(name),
    member: (email: string) => catalog.members.get(email.toLowerCase()),
  };

  for (const { entry: metric, index } of dependencyOrder(
    file.metrics,
    (name) => writes('metric', name) !== null,
  )) {
    const action = writes('metric', metric.name);
    if (!action) continue;
    await atEntry(['metrics', index], metric.name, async () => {
      const input = toMetricInput(metric, lookups);
      if (action === 'create') {
        const created = await createMetric({ ctx, input, resolve: deps.resolve });
        metricIds.set(metric.name, created.id);
        return;
      }
      const existing = catalog.metrics.get(metric.name);
      if (!existing) throw new Error('unreachable: an update has a stored metric');
      await updateMetric({
        ctx,
        input: { metricId: existing.id, expectedVersion: existing.version, ...input },
        resolve: deps.resolve,
      });
    });
  }

  for (const { entry: rule, index } of indexed(file.alertRules)) {
    const action = writes('alert_rule', rule.name);
    if (!action) continue;
    await atEntry(['alertRules', index], rule.name, async () => {
      if (action === 'create') {
        return createAlertRule({
          ctx,
          input: toRuleInput(rule, lookups.metric, true),
          deps: { outbound: deps.outbound },
        });
      }
      const [id] = catalog.alertRules.get(rule.name) ?? [];
      if (!id) throw new Error('unreachable: an update has a stored alert rule');
      return updateAlertRule({
        ctx,
        input: { id, ...toRuleInput(rule, lookups.metric, false) },
        deps: { outbound: deps.outbound },
      });
    });
  }
}

type Lookups = {
  factTable: (name: string) => { id: string; rowFilters: { id: string; name: string }[] } | undefined;
  dataSource: (name: string) => string | undefined;
  metric: (name: string) => string | undefined;
  member: (email: string) => string | undefined;
};

/**
 * A reference the checks before this proved exists but that is still missing here would be a bug; it becomes an
 * id the metric verb reports as "not found in this project", at the right field.
 */
const MISSING = '00000000-0000-0000-0000-000000000000';

function toOperand(operand: FileOperand, lookups: Lookups): FactOperand {
  const table = lookups.factTable(operand.factTable);
  return {
    factTableId: table?.id ?? MISSING,
    aggregation: operand.aggregation,
    column: operand.column,
    rowFilterIds: operand.rowFilters.map(
      (name) => table?.rowFilters.find((f) => f.name === name)?.id ?? MISSING,
    ),
  };
}

function toDefinition(definition: FileDefinition, lookups: Lookups): MetricDefinition {
  switch (definition.kind) {
    case 'fact':
      return definition.shape === 'single'
        ? { ...definition, operand: toOperand(definition.operand, lookups) }
        : {
            ...definition,
            numerator: toOperand(definition.numerator, lookups),
            denominator: toOperand(definition.denominator, lookups),
          };
    case 'sql':
      return {
        kind: 'sql',
        dataSourceId: lookups.dataSource(definition.dataSource) ?? MISSING,
        sql: definition.sql,
        valueKind: definition.valueKind,
      };
    case 'composition':
      return {
        kind: 'composition',
        op: definition.op,
        a: lookups.metric(definition.a) ?? MISSING,
        b: definition.b === null ? null : (lookups.metric(definition.b) ?? MISSING),
        k: definition.k,
      };
    default: {
      const never: never = definition;
      throw new Error(`Unknown metric kind ${String(never)}`);
    }
  }
}

function toMetricInput(metric: FileMetric, lookups: Lookups): MetricInput {
  return {
    name: metric.name,
    description: metric.description,
    ownerId: metric.owner === null ? null : (lookups.member(metric.owner) ?? MISSING),
    tags: metric.tags,
    unit: metric.unit,
    format: metric.format,
    direction: metric.direction,
    interval: metric.interval,
    lifecycle: metric.lifecycle,
    sensitivity: metric.sensitivity,
    definition: toDefinition(metric.definition, lookups),
  };
}

/** The rule verbs' input. A new rule takes its URL and signing secret from the file; an existing one keeps its own. */
function toRuleInput(rule: FileAlertRule, metricId: (name: string) => string | undefined, isNew: boolean) {
  const scope =
    rule.scope.type === 'metrics'
      ? { type: 'metrics' as const, metricIds: rule.scope.metrics.map((name) => metricId(name) ?? MISSING) }
      : rule.scope;
  const channel = isNew ? rule.channel : { type: rule.channel.type };
  return {
    name: rule.name,
    enabled: rule.enabled,
    scope,
    condition: rule.condition,
    pendingBuckets: rule.pendingBuckets,
    channel,
    muteWindows: rule.muteWindows,
  };
}
