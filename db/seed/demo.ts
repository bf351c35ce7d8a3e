/**
 * Seeds the demo project idempotently: running it again finds everything by name and creates nothing twice.
 * Every definition goes through metricInputSchema, the same schema the forms and API use.
 */
import type { DbOrTx } from '@/db/client';
import { hashPassword } from '@/lib/auth/password';
import { emitAudit } from '@/lib/audit/service';
import { systemContext, withTransaction } from '@/lib/context';
import {
  findFactTableByName,
  insertFactTable,
  insertRowFilter,
  listRowFilters,
} from '@/lib/fact-tables/queries';
import { dependenciesOf } from '@/lib/metrics/dependencies';
import { findMetricByName, insertMetric, insertMetricVersion } from '@/lib/metrics/queries';
import {
  metricInputSchema,
  type FactOperand,
  type MetricDefinition,
  type ValueKind,
} from '@/lib/metrics/schemas';
import { valueKindOf } from '@/lib/metrics/value-kind';
import { findProjectBySlug, insertProject, upsertMembership, upsertUser } from '@/lib/projects/queries';
import { findDataSourceByName, insertDataSource } from '@/lib/sources/queries';
import {
  DEMO_DATA_SOURCE,
  DEMO_FACT_TABLES,
  DEMO_METRICS,
  DEMO_PASSWORD,
  DEMO_PROJECT,
  DEMO_USERS,
  type DemoMetric,
  type DemoOperand,
} from './demo-catalog';

export type SeedSummary = { projectId: string; created: string[] };

export async function seedDemo(db: DbOrTx): Promise<SeedSummary> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const created: string[] = [];
    let project = await findProjectBySlug(tx, DEMO_PROJECT.slug);
    if (!project) {
      project = await insertProject(tx, DEMO_PROJECT);
      created.push(`project ${project.slug}`);
    }
    const ctx = systemContext({ project, db: tx, job: 'seed' });

    const userIds = new Map<string, string>();
    for (const user of DEMO_USERS) {
      const { id } = await upsertUser(tx, { email: user.email, name: user.name, passwordHash });
      await upsertMembership(tx, { projectId: project.id, userId: id, role: user.role });
      userIds.set(user.email, id);
    }

    let source = await findDataSourceByName(tx, { projectId: project.id, name: DEMO_DATA_SOURCE });
    if (!source) {
      source = await insertDataSource(tx, {
        projectId: project.id,
        name: DEMO_DATA_SOURCE,
        kind: 'embedded',
        config: { description: 'Synthetic shop data generated on this machine' },
      });
      created.push(`data source ${source.name}`);
    }

    const factTableIds = new Map<string, string>();
    const filterIds = new Map<string, string>();
    for (const spec of DEMO_FACT_TABLES) {
      let factTable = await findFactTableByName(tx, { projectId: project.id, name: spec.name });
      if (!factTable) {
        const { rowFilters, ...fields } = spec;
        factTable = await insertFactTable(tx, { ...fields, projectId: project.id, dataSourceId: source.id });
        for (const filter of rowFilters) {
          await insertRowFilter(tx, { ...filter, projectId: project.id, factTableId: factTable.id });
        }
        created.push(`fact table ${spec.name}`);
      }
      factTableIds.set(spec.name, factTable.id);
      for (const filter of await listRowFilters(tx, { projectId: project.id, factTableId: factTable.id })) {
        filterIds.set(`${spec.name}/${filter.name}`, filter.id);
      }
    }

    const metricIds = new Map<string, { id: string; valueKind: ValueKind }>();
    const resolveOperand = (operand: DemoOperand): FactOperand => ({
      factTableId: required(factTableIds, operand.factTable),
      aggregation: operand.aggregation,
      column: operand.column,
      rowFilterIds: operand.filters.map((f) => required(filterIds, `${operand.factTable}/${f}`)),
    });
    const resolveDefinition = (spec: DemoMetric): MetricDefinition => {
      const d = spec.definition;
      switch (d.kind) {
        case 'fact':
          return d.shape === 'single'
            ? { ...d, operand: resolveOperand(d.operand), topN: 10 }
            : { ...d, numerator: resolveOperand(d.numerator), denominator: resolveOperand(d.denominator) };
        case 'sql':
          return { ...d, dataSourceId: source.id };
        case 'composition':
          return {
            ...d,
            a: required(metricIds, d.a).id,
            b: d.b === null ? null : required(metricIds, d.b).id,
          };
        default: {
          const never: never = d;
          return never;
        }
      }
    };

    for (const spec of DEMO_METRICS) {
      const existing = await findMetricByName(tx, { projectId: project.id, name: spec.name });
      if (existing) {
        metricIds.set(spec.name, { id: existing.id, valueKind: existing.valueKind });
        continue;
      }
      const { owner, ...fields } = spec;
      const input = metricInputSchema.parse({
        ...fields,
        ownerId: required(userIds, owner),
        definition: resolveDefinition(spec),
      });
      const kinds = new Map([...metricIds.values()].map((m) => [m.id, m.valueKind]));
      const valueKind = valueKindOf(input.definition, (id) => kinds.get(id) ?? 'fractional');
      const metric = await insertMetric(tx, {
        ...input,
        projectId: project.id,
        kind: input.definition.kind,
        definition: input.definition,
        valueKind,
        dependencies: dependenciesOf(input.definition),
      });
      await insertMetricVersion(tx, { metricId: metric.id, version: 1, snapshot: input, changedBy: null });
      metricIds.set(spec.name, { id: metric.id, valueKind });
      created.push(`metric ${spec.name}`);
    }

    if (created.length > 0) {
      await withTransaction(ctx, (c) =>
        emitAudit(c, {
          action: 'project.seed',
          resource: { type: 'project', id: project.id },
          metadata: { created },
        }),
      );
    }
    return { projectId: project.id, created };
  });
}

function required<V>(map: Map<string, V>, key: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`demo catalog refers to unknown "${key}"`);
  return value;
}
