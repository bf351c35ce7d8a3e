/**
 * The planner: which queries a collection runs. Every due `fact` metric that reads a fact table over the same
 * window is computed by one scan of that table — one aggregate column per distinct (aggregation, column,
 * row filters) — and each breakdown dimension adds one grouped query. Ratio operands point into the scans of
 * their own fact tables. Pure: it only arranges the definitions it is given.
 */
import type { FactTableColumn } from '@/db/schema';
import type {
  Aggregation,
  FactOperand,
  MetricDefinition,
  MetricInterval,
  ValueKind,
} from '@/lib/metrics/schemas';
import type { Window } from './buckets';

export type PlannedMetric = {
  id: string;
  name: string;
  interval: MetricInterval;
  valueKind: ValueKind;
  definition: MetricDefinition;
};

export type PlanFactTable = {
  id: string;
  name: string;
  dataSourceId: string;
  /** The fact table's SQL; it is checked by the guard again as part of every query built on it. */
  sql: string;
  timestampColumn: string;
  columns: readonly FactTableColumn[];
  /** Row filter id → expression. */
  rowFilters: ReadonlyMap<string, string>;
  /** The SQL dialect of its data source (default postgres): which renderer builds its scans. */
  dialect?: 'postgres' | 'clickhouse';
};

/** One aggregate column of a scan. */
export type AggregateSpec = {
  alias: string;
  aggregation: Aggregation;
  column: string | null;
  /** Row filter expressions ANDed into the aggregate's FILTER clause, in a stable order. */
  filters: string[];
};

export type Scan = {
  key: string;
  factTable: PlanFactTable;
  aggregates: AggregateSpec[];
};

export type BreakdownScan = Scan & { dimension: string; topN: number };

/** Where a metric's value comes from: `scanKey` + aggregate alias. */
export type AggregateRef = { scanKey: string; alias: string; aggregation: Aggregation };

export type MetricRecipe =
  | {
      metric: PlannedMetric;
      shape: 'single';
      value: AggregateRef;
      breakdowns: { dimension: string; scanKey: string; alias: string }[];
    }
  | { metric: PlannedMetric; shape: 'ratio'; numerator: AggregateRef; denominator: AggregateRef };

/** Everything collected for one data source, interval and window. */
export type CollectionUnit = {
  key: string;
  dataSourceId: string;
  interval: MetricInterval;
  window: Window;
  scans: Scan[];
  breakdownScans: BreakdownScan[];
  recipes: MetricRecipe[];
};

/** A metric that cannot be planned (its fact table or filter is gone); it fails alone. */
export type PlanProblem = { metricId: string; message: string };

export function unitKey(dataSourceId: string, interval: MetricInterval, window: Window): string {
  return `${dataSourceId}|${interval}|${window.start.toISOString()}|${window.end.toISOString()}`;
}

/** The fact table every operand of a `fact` metric reads, for grouping by data source. */
export function factTablesOf(definition: MetricDefinition): string[] {
  if (definition.kind !== 'fact') return [];
  if (definition.shape === 'single') return [definition.operand.factTableId];
  return [definition.numerator.factTableId, definition.denominator.factTableId];
}

/**
 * Plans one unit: `metrics` are `fact` metrics of one interval whose windows equal `window`, all on
 * `dataSourceId`. Metrics whose fact table or filters are missing come back as problems.
 */
export function planUnit(input: {
  dataSourceId: string;
  interval: MetricInterval;
  window: Window;
  metrics: readonly PlannedMetric[];
  factTables: ReadonlyMap<string, PlanFactTable>;
}): { unit: CollectionUnit; problems: PlanProblem[] } {
  const scans = new Map<string, Scan>();
  const breakdownScans = new Map<string, BreakdownScan>();
  const recipes: MetricRecipe[] = [];
  const problems: PlanProblem[] = [];

  const resolveOperand = (operand: FactOperand) => {
    const factTable = input.factTables.get(operand.factTableId);
    if (!factTable) return { error: 'Its fact table no longer exists.' } as const;
    if (factTable.dataSourceId !== input.dataSourceId) {
      return { error: `Fact table "${factTable.name}" is on another data source.` } as const;
    }
    const filters: string[] = [];
    for (const id of operand.rowFilterIds) {
      const expression = factTable.rowFilters.get(id);
      if (expression === undefined)
        return { error: `A row filter of "${factTable.name}" no longer exists.` } as const;
      filters.push(expression);
    }
    filters.sort();
    return { factTable, filters } as const;
  };

  const aggregateIn = (scan: Scan, operand: FactOperand, filters: string[]): AggregateSpec => {
    const existing = scan.aggregates.find(
      (a) =>
        a.aggregation === operand.aggregation &&
        a.column === operand.column &&
        a.filters.length === filters.length &&
        a.filters.every((f, i) => f === filters[i]),
    );
    if (existing) return existing;
    const created: AggregateSpec = {
      alias: `a${scan.aggregates.length}`,
      aggregation: operand.aggregation,
      column: operand.column,
      filters,
    };
    scan.aggregates.push(created);
    return created;
  };

  const refFor = (
    operand: FactOperand,
    resolved: { factTable: PlanFactTable; filters: string[] },
  ): AggregateRef => {
    const key = resolved.factTable.id;
    let scan = scans.get(key);
    if (!scan) {
      scan = { key, factTable: resolved.factTable, aggregates: [] };
      scans.set(key, scan);
    }
    const spec = aggregateIn(scan, operand, resolved.filters);
    return { scanKey: key, alias: spec.alias, aggregation: spec.aggregation };
  };

  for (const metric of input.metrics) {
    const definition = metric.definition;
    if (definition.kind !== 'fact') {
      problems.push({ metricId: metric.id, message: 'Only fact metrics are planned into scans.' });
      continue;
    }
    if (definition.shape === 'single') {
      const resolved = resolveOperand(definition.operand);
      if ('error' in resolved) {
        problems.push({ metricId: metric.id, message: resolved.error ?? 'Cannot be planned.' });
        continue;
      }
      const missing = definition.breakdowns.find(
        (d) => !resolved.factTable.columns.some((c) => c.name === d),
      );
      if (missing !== undefined) {
        problems.push({ metricId: metric.id, message: `Breakdown column "${missing}" no longer exists.` });
        continue;
      }
      const value = refFor(definition.operand, resolved);
      const breakdowns = definition.breakdowns.map((dimension) => {
        const key = `${resolved.factTable.id}|${dimension}|${definition.topN}`;
        let scan = breakdownScans.get(key);
        if (!scan) {
          scan = { key, factTable: resolved.factTable, aggregates: [], dimension, topN: definition.topN };
          breakdownScans.set(key, scan);
        }
        const spec = aggregateIn(scan, definition.operand, resolved.filters);
        return { dimension, scanKey: key, alias: spec.alias };
      });
      recipes.push({ metric, shape: 'single', value, breakdowns });
    } else {
      const numerator = resolveOperand(definition.numerator);
      const denominator = resolveOperand(definition.denominator);
      const error =
        'error' in numerator ? numerator.error : 'error' in denominator ? denominator.error : null;
      if (error !== null || 'error' in numerator || 'error' in denominator) {
        problems.push({ metricId: metric.id, message: error ?? 'Cannot be planned.' });
        continue;
      }
      recipes.push({
        metric,
        shape: 'ratio',
        numerator: refFor(definition.numerator, numerator),
        denominator: refFor(definition.denominator, denominator),
      });
    }
  }

  return {
    unit: {
      key: unitKey(input.dataSourceId, input.interval, input.window),
      dataSourceId: input.dataSourceId,
      interval: input.interval,
      window: input.window,
      scans: [...scans.values()],
      breakdownScans: [...breakdownScans.values()],
      recipes,
    },
    problems,
  };
}

/** The scans a recipe depends on: if any of them failed, so does the metric. */
export function scansOfRecipe(recipe: MetricRecipe): string[] {
  if (recipe.shape === 'ratio') return [recipe.numerator.scanKey, recipe.denominator.scanKey];
  return [recipe.value.scanKey];
}
