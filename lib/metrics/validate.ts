/**
 * The checks on a metric definition that need the database or the warehouse: what it names exists in this
 * project and fits together, a composition forms no cycle, a `sql` metric passes the guard and returns the
 * right columns. Every problem is reported at once, keyed by the form's dotted path.
 */
import type { DbOrTx } from '@/db/client';
import { AppError, type FieldErrors } from '@/lib/errors';
import { listRowFiltersOfFactTables } from '@/lib/fact-tables/queries';
import type { DataSourceRow } from '@/lib/sources/queries';
import type { WarehouseResolver } from '@/lib/warehouse/connect';
import { acceptedColumnTypes, isBreakdownColumn } from './column-fit';
import { dependenciesOf, factOperandsOf, inputMetricsOf, type MetricDependency } from './dependencies';
import {
  findDataSourceInProject,
  isProjectMember,
  listFactTablesInProjectByIds,
  listInputMetricEdges,
  listMetricsInProjectByIds,
  listMetricsReadingMetric,
  type MetricRow,
} from './queries';
import {
  metricDefinitionSchema,
  type MetricDefinition,
  type MetricInput,
  type MetricInterval,
  type ValueKind,
} from './schemas';
import { probeSqlMetric } from './sql-probe';
import { valueKindOf } from './value-kind';

/** The metric being edited, when it is an edit. */
export type EditedMetric = Pick<MetricRow, 'id' | 'interval' | 'definition'>;

export type CheckedMetric = {
  valueKind: ValueKind;
  dependencies: MetricDependency[];
  /** The data source of a `sql` metric. */
  dataSource: DataSourceRow | null;
};

/** A composition reads one metric when it scales, two otherwise; fields the op does not use are cleared. */
export function normalizeDefinition(definition: MetricDefinition): MetricDefinition {
  if (definition.kind !== 'composition') return definition;
  return definition.op === 'scale' ? { ...definition, b: null } : { ...definition, k: null };
}

const listNames = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));

const INTERVAL_WORDS: Record<MetricInterval, string> = { hour: 'hourly', day: 'daily', week: 'weekly' };

/**
 * The database checks. Returns the field errors instead of throwing, so they can be shown together with the
 * warehouse's verdict on a `sql` metric.
 */
export async function checkMetricReferences(
  db: DbOrTx,
  { projectId, input, edited }: { projectId: string; input: MetricInput; edited?: EditedMetric },
): Promise<CheckedMetric & { fieldErrors: FieldErrors }> {
  const fieldErrors: FieldErrors = {};
  const definition = input.definition;

  if (input.ownerId !== null && !(await isProjectMember(db, { projectId, userId: input.ownerId }))) {
    fieldErrors.ownerId = 'Pick a member of this project.';
  }

  if (edited && input.interval !== edited.interval) {
    const readers = await listMetricsReadingMetric(db, { projectId, metricId: edited.id });
    if (readers.length > 0) {
      fieldErrors.interval = `Compositions read this metric at its ${INTERVAL_WORDS[edited.interval]} interval: ${listNames(readers.map((r) => r.name))}. Change them first.`;
    }
  }

  let dataSource: DataSourceRow | null = null;
  let valueKind: ValueKind = 'fractional';
  switch (definition.kind) {
    case 'fact':
      await checkFactDefinition(db, projectId, definition, fieldErrors);
      valueKind = valueKindOf(definition);
      break;
    case 'sql':
      dataSource = await findDataSourceInProject(db, { projectId, dataSourceId: definition.dataSourceId });
      if (!dataSource) fieldErrors['definition.dataSourceId'] = 'Data source not found in this project.';
      valueKind = valueKindOf(definition);
      break;
    case 'composition':
      valueKind = await checkComposition(db, { projectId, input, edited }, fieldErrors);
      break;
    default: {
      const never: never = definition;
      throw new Error(`Unknown metric kind: ${String(never)}`);
    }
  }
  return { fieldErrors, valueKind, dependencies: dependenciesOf(definition), dataSource };
}

async function checkFactDefinition(
  db: DbOrTx,
  projectId: string,
  definition: Extract<MetricDefinition, { kind: 'fact' }>,
  fieldErrors: FieldErrors,
): Promise<void> {
  const operands = factOperandsOf(definition);
  const ids = [...new Set(operands.map((o) => o.operand.factTableId))];
  const tables = new Map(
    (await listFactTablesInProjectByIds(db, { projectId, factTableIds: ids })).map((t) => [t.id, t]),
  );
  const filters = await listRowFiltersOfFactTables(db, { projectId, factTableIds: [...tables.keys()] });

  for (const { path, operand } of operands) {
    const table = tables.get(operand.factTableId);
    if (!table) {
      fieldErrors[`${path}.factTableId`] = 'Fact table not found in this project.';
      continue;
    }
    if (operand.column !== null) {
      const column = table.columns.find((c) => c.name === operand.column);
      const accepted = acceptedColumnTypes(operand.aggregation);
      if (!column) {
        fieldErrors[`${path}.column`] =
          `${table.name} has no column "${operand.column}"; columns: ${listNames(table.columns.map((c) => c.name))}.`;
      } else if (accepted && !accepted.includes(column.type)) {
        const fitting = table.columns.filter((c) => accepted.includes(c.type)).map((c) => c.name);
        fieldErrors[`${path}.column`] =
          `Cannot ${operand.aggregation} "${column.name}", a ${column.type} column; pick a ${accepted.join(' or ')} column: ${listNames(fitting)}.`;
      }
    }
    operand.rowFilterIds.forEach((id, i) => {
      if (!filters.some((f) => f.id === id && f.factTableId === table.id)) {
        fieldErrors[`${path}.rowFilterIds.${i}`] = `This row filter does not belong to ${table.name}.`;
      }
    });
  }

  if (definition.shape === 'single') {
    const table = tables.get(definition.operand.factTableId);
    if (table) {
      definition.breakdowns.forEach((name, i) => {
        const column = table.columns.find((c) => c.name === name);
        const groupable = table.columns.filter((c) => isBreakdownColumn(c.type)).map((c) => c.name);
        if (!column) {
          fieldErrors[`definition.breakdowns.${i}`] =
            `${table.name} has no column "${name}"; columns to break down by: ${listNames(groupable)}.`;
        } else if (!isBreakdownColumn(column.type)) {
          fieldErrors[`definition.breakdowns.${i}`] =
            `Cannot break down by "${name}", a timestamp; pick one of: ${listNames(groupable)}.`;
        }
      });
    }
  } else {
    const numerator = tables.get(definition.numerator.factTableId);
    const denominator = tables.get(definition.denominator.factTableId);
    if (numerator && denominator && numerator.dataSourceId !== denominator.dataSourceId) {
      fieldErrors['definition.denominator.factTableId'] =
        `Pick a fact table on the same data source as ${numerator.name}: both sides are computed in one warehouse.`;
    }
  }
}

/** Inputs exist here, are still collected, share the interval, and reading them forms no cycle. */
async function checkComposition(
  db: DbOrTx,
  { projectId, input, edited }: { projectId: string; input: MetricInput; edited?: EditedMetric },
  fieldErrors: FieldErrors,
): Promise<ValueKind> {
  const definition = input.definition;
  const inputs = inputMetricsOf(definition);
  const rows = new Map(
    (
      await listMetricsInProjectByIds(db, {
        projectId,
        metricIds: [...new Set(inputs.map((i) => i.metricId))],
      })
    ).map((m) => [m.id, m]),
  );
  // An input the metric already read stays acceptable after it is archived, so other fields can still be edited.
  const previous = new Set(
    edited ? inputMetricsOf(parseStoredDefinition(edited.definition)).map((i) => i.metricId) : [],
  );

  for (const { field, metricId } of inputs) {
    const path = `definition.${field}`;
    const metric = rows.get(metricId);
    if (edited && metricId === edited.id) {
      fieldErrors[path] = 'A metric cannot read itself.';
    } else if (!metric) {
      fieldErrors[path] = 'Metric not found in this project.';
    } else if (metric.lifecycle === 'archived' && !previous.has(metricId)) {
      fieldErrors[path] =
        `${metric.name} is archived and no longer collected; pick an active or draft metric.`;
    } else if (metric.interval !== input.interval) {
      fieldErrors[path] =
        `${metric.name} is collected ${INTERVAL_WORDS[metric.interval]}; a composition uses the interval of its inputs, so set the interval to ${metric.interval} or pick another metric.`;
    }
  }

  if (edited) {
    for (const { field, metricId } of inputs) {
      const path = `definition.${field}`;
      if (fieldErrors[path] !== undefined) continue;
      const route = await findRouteTo(db, { projectId, from: metricId, to: edited.id });
      if (route !== null) {
        const names = await namesOf(db, projectId, route);
        fieldErrors[path] =
          `${names.join(' reads ')} reads this metric, so reading ${names[0] ?? 'it'} would form a cycle.`;
      }
    }
  }

  const kinds = new Map([...rows.values()].map((m) => [m.id, m.valueKind]));
  return valueKindOf(definition, (id) => kinds.get(id) ?? 'fractional');
}

/**
 * Walks the input-metric edges upstream from `from`; returns the metrics passed on the way to `to` (starting
 * with `from`), or null when `to` is not reachable.
 */
async function findRouteTo(
  db: DbOrTx,
  { projectId, from, to }: { projectId: string; from: string; to: string },
): Promise<string[] | null> {
  const cameFrom = new Map<string, string | null>([[from, null]]);
  let frontier = [from];
  while (frontier.length > 0) {
    const edges = await listInputMetricEdges(db, { projectId, metricIds: frontier });
    const next: string[] = [];
    for (const { metricId, inputMetricId } of edges) {
      if (inputMetricId === null) continue;
      if (inputMetricId === to) {
        const route = [metricId];
        for (let at = cameFrom.get(metricId); at; at = cameFrom.get(at)) route.unshift(at);
        return route;
      }
      if (cameFrom.has(inputMetricId)) continue;
      cameFrom.set(inputMetricId, metricId);
      next.push(inputMetricId);
    }
    frontier = next;
  }
  return null;
}

async function namesOf(db: DbOrTx, projectId: string, ids: string[]): Promise<string[]> {
  const rows = await listMetricsInProjectByIds(db, { projectId, metricIds: ids });
  return ids.map((id) => rows.find((r) => r.id === id)?.name ?? 'a metric');
}

/** Stored definitions are re-read through the schema; one that no longer parses fails loudly. */
export function parseStoredDefinition(definition: unknown): MetricDefinition {
  const parsed = metricDefinitionSchema.safeParse(definition);
  if (!parsed.success) throw new Error('A stored metric definition does not parse.');
  return parsed.data;
}

/** One error carrying every field problem; `warehouse` when the warehouse's refusal is the only one. */
export function definitionError(fieldErrors: FieldErrors, { warehouse }: { warehouse: boolean }): AppError {
  const only = Object.keys(fieldErrors);
  if (warehouse && only.length === 1) {
    return new AppError('warehouse', fieldErrors['definition.sql'] ?? 'The warehouse refused the query.', {
      fieldErrors,
    });
  }
  return new AppError('validation', 'Some fields need attention.', { fieldErrors });
}

/**
 * Everything at once, before any transaction: the database checks, then (for a `sql` metric whose data source
 * was found) the warehouse probe. Throws one error with every field problem.
 */
export async function validateMetric({
  db,
  projectId,
  input,
  edited,
  resolve,
  now,
}: {
  db: DbOrTx;
  projectId: string;
  input: MetricInput;
  edited?: EditedMetric;
  /** Tests hand in a client; by default the data source's own client is opened. */
  resolve?: WarehouseResolver;
  now: Date;
}): Promise<CheckedMetric> {
  const { fieldErrors, ...checked } = await checkMetricReferences(db, { projectId, input, edited });
  let warehouse = false;
  if (input.definition.kind === 'sql' && checked.dataSource) {
    const probe = await probeSqlMetric({
      dataSource: checked.dataSource,
      sql: input.definition.sql,
      interval: input.interval,
      now,
      resolve,
    });
    Object.assign(fieldErrors, probe.fieldErrors);
    warehouse = probe.warehouse;
  }
  if (Object.keys(fieldErrors).length > 0) throw definitionError(fieldErrors, { warehouse });
  return checked;
}

/** The database checks again, inside the writing transaction, where they decide. */
export async function assertMetricReferences(
  db: DbOrTx,
  args: { projectId: string; input: MetricInput; edited?: EditedMetric },
): Promise<CheckedMetric> {
  const { fieldErrors, ...checked } = await checkMetricReferences(db, args);
  if (Object.keys(fieldErrors).length > 0) throw definitionError(fieldErrors, { warehouse: false });
  return checked;
}
