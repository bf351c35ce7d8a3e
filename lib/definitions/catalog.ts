/**
 * A project's definitions as the file describes them (names in place of ids), together with the ids and facts
 * an import needs to write to them. Read through the modules' own list verbs, so an export shows exactly what
 * their pages show, and never a secret.
 */
import { listAlertRules } from '@/lib/alerts/service';
import type { ServiceContext } from '@/lib/context';
import { listFactTables, type FactTableDto } from '@/lib/fact-tables/service';
import type { FactOperand, MetricDefinition } from '@/lib/metrics/schemas';
import { parseStoredDefinition } from '@/lib/metrics/validate';
import type { PublicDataSource } from '@/lib/sources/schemas';
import { listDataSources } from '@/lib/sources/service';
import { canonicalFile } from './canonical';
import { listMemberEmails, listMetricsWithOwnerEmail } from './queries';
import type { DefinitionsFile, FileAlertRule, FileDataSource, FileDefinition, FileOperand } from './schemas';

export type CatalogMetric = { id: string; version: number };

export type ProjectCatalog = {
  /** The canonical export. */
  file: DefinitionsFile;
  dataSources: ReadonlyMap<string, PublicDataSource>;
  factTables: ReadonlyMap<string, FactTableDto>;
  metrics: ReadonlyMap<string, CatalogMetric>;
  /** Rules by name; a name may be shared. */
  alertRules: ReadonlyMap<string, readonly string[]>;
  /** Lower-cased email → user id, for every member. */
  members: ReadonlyMap<string, string>;
};

function toFileDataSource(source: PublicDataSource): FileDataSource {
  switch (source.kind) {
    case 'postgres':
      return { name: source.name, kind: 'postgres', ...source.config };
    case 'clickhouse':
      return { name: source.name, kind: 'clickhouse', ...source.config };
    case 'embedded':
      return { name: source.name, kind: 'embedded', ...source.config };
    default: {
      const never: never = source;
      throw new Error(`Unknown data source kind ${String(never)}`);
    }
  }
}

type Names = { of: (id: string) => string };

const namesOf = (entries: readonly { id: string; name: string }[]): Names => {
  const map = new Map(entries.map((e) => [e.id, e.name]));
  // A dangling id cannot happen through the verbs (foreign keys, usage checks); show it rather than hide it.
  return { of: (id) => map.get(id) ?? id };
};

function toFileDefinition(
  definition: MetricDefinition,
  names: { factTables: Names; rowFilters: Names; dataSources: Names; metrics: Names },
): FileDefinition {
  const operand = (o: FactOperand): FileOperand => ({
    factTable: names.factTables.of(o.factTableId),
    aggregation: o.aggregation,
    column: o.column,
    rowFilters: o.rowFilterIds.map((id) => names.rowFilters.of(id)),
  });
  switch (definition.kind) {
    case 'fact':
      return definition.shape === 'single'
        ? { ...definition, operand: operand(definition.operand) }
        : {
            ...definition,
            numerator: operand(definition.numerator),
            denominator: operand(definition.denominator),
          };
    case 'sql':
      return {
        kind: 'sql',
        dataSource: names.dataSources.of(definition.dataSourceId),
        sql: definition.sql,
        valueKind: definition.valueKind,
      };
    case 'composition':
      return {
        kind: 'composition',
        op: definition.op,
        a: names.metrics.of(definition.a),
        b: definition.b === null ? null : names.metrics.of(definition.b),
        k: definition.k,
      };
    default: {
      const never: never = definition;
      throw new Error(`Unknown metric kind ${String(never)}`);
    }
  }
}

export async function loadProjectCatalog(ctx: ServiceContext): Promise<ProjectCatalog> {
  const projectId = ctx.project.id;
  const sources = await listDataSources({ ctx });
  const tables = await listFactTables({ ctx });
  const metricRows = await listMetricsWithOwnerEmail(ctx.db, { projectId });
  const rules = await listAlertRules({ ctx });
  const members = await listMemberEmails(ctx.db, { projectId });

  const names = {
    dataSources: namesOf(sources),
    factTables: namesOf(tables),
    rowFilters: namesOf(tables.flatMap((t) => t.rowFilters)),
    metrics: namesOf(metricRows.map((r) => r.metric)),
  };
  const alertRules: FileAlertRule[] = rules.map((rule) => ({
    name: rule.name,
    enabled: rule.enabled,
    scope:
      rule.scope.type === 'metrics'
        ? { type: 'metrics', metrics: rule.scope.metricIds.map((id) => names.metrics.of(id)) }
        : rule.scope,
    condition: rule.condition,
    pendingBuckets: rule.pendingBuckets,
    channel: { type: rule.channel.type },
    muteWindows: rule.muteWindows,
  }));

  const file = canonicalFile({
    version: 1,
    dataSources: sources.map(toFileDataSource),
    factTables: tables.map((table) => ({
      name: table.name,
      dataSource: names.dataSources.of(table.dataSourceId),
      description: table.description,
      sql: table.sql,
      timestampColumn: table.timestampColumn,
      identifierColumns: table.identifierColumns,
      rowFilters: table.rowFilters.map(({ name, expression }) => ({ name, expression })),
      columns: table.columns,
    })),
    metrics: metricRows.map(({ metric, ownerEmail }) => ({
      name: metric.name,
      description: metric.description,
      owner: ownerEmail,
      tags: metric.tags,
      unit: metric.unit,
      format: metric.format,
      direction: metric.direction,
      interval: metric.interval,
      lifecycle: metric.lifecycle,
      sensitivity: metric.sensitivity,
      definition: toFileDefinition(parseStoredDefinition(metric.definition), names),
    })),
    alertRules,
  });

  const ruleIds = new Map<string, string[]>();
  for (const rule of rules) ruleIds.set(rule.name, [...(ruleIds.get(rule.name) ?? []), rule.id]);
  return {
    file,
    dataSources: new Map(sources.map((s) => [s.name, s])),
    factTables: new Map(tables.map((t) => [t.name, t])),
    metrics: new Map(
      metricRows.map(({ metric }) => [metric.name, { id: metric.id, version: metric.version }]),
    ),
    alertRules: ruleIds,
    members: new Map(members.map((m) => [m.email.toLowerCase(), m.userId])),
  };
}
