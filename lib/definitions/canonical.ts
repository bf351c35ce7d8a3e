/**
 * The one canonical shape of each definition: fixed key order, lists of resources sorted by name (compared by
 * code unit, so no locale can reorder them), row filters sorted by name, compositions without the operand their
 * op does not use, mute windows as UTC ISO times. Exports are written in it and imports are compared in it, so a
 * re-export of an unchanged project is byte-identical and a re-import reports nothing changed. Pure.
 */
import type {
  DefinitionsFile,
  FileAlertRule,
  FileDataSource,
  FileDefinition,
  FileFactTable,
  FileMetric,
  FileOperand,
} from './schemas';
import { DEFINITIONS_FILE_VERSION } from './schemas';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byName = <T extends { name: string }>(a: T, b: T) => compareText(a.name, b.name);

export function canonicalDataSource(source: FileDataSource): FileDataSource {
  switch (source.kind) {
    case 'postgres': {
      const { name, kind, host, port, database, user, sslmode } = source;
      return { name, kind, host, port, database, user, sslmode };
    }
    case 'clickhouse': {
      const { name, kind, host, port, protocol, database, user } = source;
      return { name, kind, host, port, protocol, database, user };
    }
    case 'embedded': {
      const { name, kind, description } = source;
      return description === undefined ? { name, kind } : { name, kind, description };
    }
    default: {
      const never: never = source;
      throw new Error(`Unknown data source kind ${String(never)}`);
    }
  }
}

export function canonicalFactTable(table: FileFactTable): FileFactTable {
  return {
    name: table.name,
    dataSource: table.dataSource,
    description: table.description,
    sql: table.sql,
    timestampColumn: table.timestampColumn,
    identifierColumns: [...table.identifierColumns],
    rowFilters: table.rowFilters.map(({ name, expression }) => ({ name, expression })).sort(byName),
    ...(table.columns
      ? { columns: table.columns.map(({ name, type, nativeType }) => ({ name, type, nativeType })) }
      : {}),
  };
}

function canonicalOperand(operand: FileOperand): FileOperand {
  const { factTable, aggregation, column, rowFilters } = operand;
  return { factTable, aggregation, column, rowFilters: [...rowFilters] };
}

export function canonicalDefinition(definition: FileDefinition): FileDefinition {
  switch (definition.kind) {
    case 'fact':
      return definition.shape === 'single'
        ? {
            kind: 'fact',
            shape: 'single',
            operand: canonicalOperand(definition.operand),
            breakdowns: [...definition.breakdowns],
            topN: definition.topN,
          }
        : {
            kind: 'fact',
            shape: 'ratio',
            numerator: canonicalOperand(definition.numerator),
            denominator: canonicalOperand(definition.denominator),
          };
    case 'sql':
      return {
        kind: 'sql',
        dataSource: definition.dataSource,
        sql: definition.sql,
        valueKind: definition.valueKind,
      };
    case 'composition': {
      // As the metric form saves it: a scale reads one metric, the other ops no factor.
      const { op, a, b, k } = definition;
      return op === 'scale'
        ? { kind: 'composition', op, a, b: null, k }
        : { kind: 'composition', op, a, b, k: null };
    }
    default: {
      const never: never = definition;
      throw new Error(`Unknown metric kind ${String(never)}`);
    }
  }
}

export function canonicalMetric(metric: FileMetric): FileMetric {
  return {
    name: metric.name,
    description: metric.description,
    owner: metric.owner === null ? null : metric.owner.toLowerCase(),
    tags: [...metric.tags],
    unit: metric.unit,
    format: metric.format,
    direction: metric.direction,
    interval: metric.interval,
    lifecycle: metric.lifecycle,
    sensitivity: metric.sensitivity,
    definition: canonicalDefinition(metric.definition),
  };
}

export function canonicalAlertRule(rule: FileAlertRule): FileAlertRule {
  const channel: FileAlertRule['channel'] =
    rule.channel.type === 'slack'
      ? { type: 'slack', ...(rule.channel.url === undefined ? {} : { url: rule.channel.url }) }
      : {
          type: 'webhook',
          ...(rule.channel.url === undefined ? {} : { url: rule.channel.url }),
          ...(rule.channel.signingSecret === undefined ? {} : { signingSecret: rule.channel.signingSecret }),
        };
  const scope: FileAlertRule['scope'] =
    rule.scope.type === 'all'
      ? { type: 'all' }
      : rule.scope.type === 'tags'
        ? { type: 'tags', tags: [...rule.scope.tags] }
        : { type: 'metrics', metrics: [...rule.scope.metrics] };
  const condition: FileAlertRule['condition'] =
    rule.condition.type === 'anomaly'
      ? { type: 'anomaly', minSeverity: rule.condition.minSeverity, direction: rule.condition.direction }
      : { type: rule.condition.type, threshold: rule.condition.threshold };
  return {
    name: rule.name,
    enabled: rule.enabled,
    scope,
    condition,
    pendingBuckets: rule.pendingBuckets,
    channel,
    muteWindows: rule.muteWindows.map((w) => ({
      startsAt: new Date(w.startsAt).toISOString(),
      endsAt: new Date(w.endsAt).toISOString(),
    })),
  };
}

/** Rules may share a name; ties are broken by content so the order never depends on ids or insertion. */
function compareRules(a: FileAlertRule, b: FileAlertRule): number {
  return compareText(a.name, b.name) || compareText(JSON.stringify(a), JSON.stringify(b));
}

export function canonicalFile(file: DefinitionsFile): DefinitionsFile {
  return {
    version: DEFINITIONS_FILE_VERSION,
    dataSources: file.dataSources.map(canonicalDataSource).sort(byName),
    factTables: file.factTables.map(canonicalFactTable).sort(byName),
    metrics: file.metrics.map(canonicalMetric).sort(byName),
    alertRules: file.alertRules.map(canonicalAlertRule).sort(compareRules),
  };
}

/**
 * What decides whether an entry changed: everything but what import does not take from the file for an existing
 * entry (a fact table's columns come from the warehouse; a rule's webhook URL and signing secret are read only
 * when the rule is created).
 */
export function comparableFactTable(table: FileFactTable): Omit<FileFactTable, 'columns'> {
  const { columns: _columns, ...rest } = canonicalFactTable(table);
  return rest;
}

export function comparableAlertRule(rule: FileAlertRule) {
  const canonical = canonicalAlertRule(rule);
  return { ...canonical, channel: { type: canonical.channel.type } };
}
