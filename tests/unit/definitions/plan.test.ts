/**
 * The dry-run diff and the reference checks, without a database: what counts as a change, what is left alone,
 * which names must exist, and the cycles a file could close between its compositions and the project's.
 */
import { describe, expect, it } from 'vitest';
import { canonicalFile } from '@/lib/definitions/canonical';
import { parseDefinitionsFile } from '@/lib/definitions/parse';
import { COLUMNS_NOTE, PASSWORD_NOTE, planImport } from '@/lib/definitions/plan';
import { checkReferences, dependencyOrder } from '@/lib/definitions/references';
import type { DefinitionsFile } from '@/lib/definitions/schemas';

/** A file from YAML lines, with the schema's defaults filled in. */
const file = (...lines: string[]): DefinitionsFile =>
  parseDefinitionsFile(['version: 1', ...lines].join('\n'));

const project = file(
  'dataSources:',
  '  - { name: Demo, kind: embedded }',
  'factTables:',
  '  - name: Orders',
  '    dataSource: Demo',
  '    sql: SELECT id, at, amount FROM orders',
  '    timestampColumn: at',
  '    rowFilters: [{ name: big, expression: amount > 100 }]',
  'metrics:',
  '  - { name: Orders, interval: day, definition: { kind: fact, shape: single, operand: { factTable: Orders, aggregation: count } } }',
  '  - { name: Big orders, interval: day, definition: { kind: fact, shape: single, operand: { factTable: Orders, aggregation: count, rowFilters: [big] } } }',
  '  - { name: Big share, interval: day, definition: { kind: composition, op: div, a: Big orders, b: Orders } }',
);
const current = canonicalFile(project);
const facts = {
  sourcesWithPassword: new Set<string>(),
  memberEmails: new Set(['ada@example.com']),
  ruleNameCounts: new Map<string, number>(),
};

describe('the plan', () => {
  it('reports a metric whose description changed as an update of exactly that field', () => {
    const next = file(
      'metrics:',
      '  - { name: Orders, description: Every order., interval: day, definition: { kind: fact, shape: single, operand: { factTable: Orders, aggregation: count } } }',
    );
    const plan = planImport({ file: canonicalFile(next), current, facts });
    expect(plan.filter((e) => e.action !== 'left_alone')).toEqual([
      {
        resource: 'metric',
        name: 'Orders',
        action: 'update',
        changes: [{ path: 'description', before: '', after: 'Every order.' }],
        notes: [],
      },
    ]);
    expect(plan.filter((e) => e.action === 'left_alone').map((e) => `${e.resource} ${e.name}`)).toEqual([
      'data_source Demo',
      'fact_table Orders',
      'metric Big orders',
      'metric Big share',
    ]);
  });

  it('does not count a reordering of row filters or the exported columns as a change', () => {
    const next = canonicalFile({
      ...project,
      factTables: project.factTables.map((t) => ({
        ...t,
        columns: [{ name: 'id', type: 'number', nativeType: 'int4' }],
      })),
    });
    expect(planImport({ file: next, current, facts }).every((e) => e.action === 'unchanged')).toBe(true);
  });

  it('notes that a new data source has no password, and that its fact tables are checked against the file', () => {
    const next = file(
      'dataSources: [{ name: Dw, kind: postgres, host: db.example.com, database: dw, user: r }]',
      'factTables:',
      '  - { name: Events, dataSource: Dw, sql: SELECT at FROM events, timestampColumn: at, columns: [{ name: at, type: timestamp, nativeType: timestamptz }] }',
    );
    const plan = planImport({ file: canonicalFile(next), current, facts });
    expect(plan.find((e) => e.name === 'Dw')?.notes).toEqual([PASSWORD_NOTE]);
    expect(plan.find((e) => e.name === 'Events')?.notes).toEqual([COLUMNS_NOTE]);
  });
});

describe('references', () => {
  const check = (next: DefinitionsFile) =>
    checkReferences({
      file: next,
      current,
      plan: planImport({ file: canonicalFile(next), current, facts }),
      facts,
    });

  it('must name fact tables, row filters, metrics and owners that exist in the file or the project', () => {
    const next = file(
      'metrics:',
      '  - { name: A, owner: bob@example.com, interval: day, definition: { kind: fact, shape: ratio, numerator: { factTable: Orders, aggregation: count, rowFilters: [small] }, denominator: { factTable: Ordres, aggregation: count } } }',
      '  - { name: B, owner: ADA@example.com, interval: day, definition: { kind: composition, op: scale, a: Nope, k: 2 } }',
    );
    expect(check(next)).toEqual({
      'metrics[0].owner': 'bob@example.com is not a member of this project.',
      'metrics[0].definition.numerator.rowFilters[0]':
        'Orders has no row filter "small"; its row filters: "big".',
      'metrics[0].definition.denominator.factTable':
        'No fact table named "Ordres" in the file or the project.',
      'metrics[1].definition.a': 'No metric named "Nope" in the file or the project.',
    });
  });

  it('finds a cycle the file closes through a metric it does not list', () => {
    const next = file(
      'metrics:',
      '  - { name: Big orders, interval: day, definition: { kind: composition, op: scale, a: Big share, k: 100 } }',
    );
    expect(check(next)).toEqual({
      'metrics[0].definition.a':
        'Reading "Big share" forms a cycle: "Big orders" reads "Big share" reads "Big orders".',
    });
  });

  it('orders writes so a composition comes after the new metrics it reads', () => {
    const next = file(
      'metrics:',
      '  - { name: A share, interval: day, definition: { kind: composition, op: div, a: Z count, b: Orders } }',
      '  - { name: Z count, interval: day, definition: { kind: fact, shape: single, operand: { factTable: Orders, aggregation: count } } }',
    );
    expect(dependencyOrder(next.metrics, () => true).map((m) => `${m.index}:${m.entry.name}`)).toEqual([
      '1:Z count',
      '0:A share',
    ]);
  });
});
