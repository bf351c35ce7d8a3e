/**
 * The definitions file on its own: the same catalog always gives the same bytes, what is written reads back
 * unchanged (for any text a field may hold), and what the reader refuses it refuses at a named path and line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFile } from '@/lib/definitions/canonical';
import { parseDefinitionsFile } from '@/lib/definitions/parse';
import type { DefinitionsFile } from '@/lib/definitions/schemas';
import { stringifyDefinitions } from '@/lib/definitions/yaml';
import { AppError } from '@/lib/errors';
import { textProblem } from '@/lib/text';

function sampleFile(): DefinitionsFile {
  return {
    version: 1,
    dataSources: [
      {
        name: 'Warehouse',
        kind: 'postgres',
        host: 'db.example.com',
        port: 5432,
        database: 'dw',
        user: 'reader',
        sslmode: 'verify-full',
      },
      { name: 'Demo', kind: 'embedded', description: 'On this machine' },
      {
        name: 'Events',
        kind: 'clickhouse',
        host: 'ch.example.com',
        port: 8443,
        protocol: 'https',
        database: 'events',
        user: 'ro',
      },
    ],
    factTables: [
      {
        name: 'Sessions',
        dataSource: 'Demo',
        description: '',
        sql: 'SELECT session_id, started_at, converted FROM sessions',
        timestampColumn: 'started_at',
        identifierColumns: ['session_id'],
        rowFilters: [{ name: 'converted', expression: 'converted' }],
      },
      {
        name: 'Orders',
        dataSource: 'Warehouse',
        description: 'One row per order.\nRefunds included.',
        sql: "SELECT order_id, created_at, amount, status\nFROM orders\nWHERE status <> 'test'",
        timestampColumn: 'created_at',
        identifierColumns: ['order_id'],
        rowFilters: [
          { name: 'refunded', expression: "status = 'refunded'" },
          { name: 'completed', expression: "status = 'completed'" },
        ],
        columns: [
          { name: 'order_id', type: 'number', nativeType: 'int8' },
          { name: 'created_at', type: 'timestamp', nativeType: 'timestamptz' },
        ],
      },
    ],
    metrics: [
      {
        name: 'Revenue per session',
        description: '',
        owner: null,
        tags: [],
        unit: 'USD',
        format: 'currency',
        direction: 'higher_is_better',
        interval: 'day',
        lifecycle: 'active',
        sensitivity: 5,
        definition: { kind: 'composition', op: 'div', a: 'Revenue', b: 'Sessions', k: 3 },
      },
      {
        name: 'Revenue',
        description: 'Completed orders: sum of amount.',
        owner: 'Ada@Example.com',
        tags: ['sales', 'core'],
        unit: '',
        format: 'number',
        direction: 'neutral',
        interval: 'day',
        lifecycle: 'draft',
        sensitivity: 7,
        definition: {
          kind: 'fact',
          shape: 'single',
          operand: { factTable: 'Orders', aggregation: 'sum', column: 'amount', rowFilters: ['completed'] },
          breakdowns: ['status'],
          topN: 10,
        },
      },
      {
        name: 'Refund share',
        description: '',
        owner: null,
        tags: [],
        unit: '',
        format: 'percent',
        direction: 'lower_is_better',
        interval: 'day',
        lifecycle: 'active',
        sensitivity: 5,
        definition: {
          kind: 'fact',
          shape: 'ratio',
          numerator: { factTable: 'Orders', aggregation: 'count', column: null, rowFilters: ['refunded'] },
          denominator: { factTable: 'Orders', aggregation: 'count', column: null, rowFilters: [] },
        },
      },
      {
        name: 'Sessions',
        description: '',
        owner: null,
        tags: ['product'],
        unit: '',
        format: 'number',
        direction: 'neutral',
        interval: 'day',
        lifecycle: 'active',
        sensitivity: 5,
        definition: {
          kind: 'sql',
          dataSource: 'Demo',
          sql: "SELECT date_trunc('day', started_at) AS bucket, count(*) AS value\nFROM sessions\nWHERE started_at >= {{start}} AND started_at < {{end}}\nGROUP BY 1",
          valueKind: 'count',
        },
      },
    ],
    alertRules: [
      {
        name: 'Sales',
        enabled: true,
        scope: { type: 'tags', tags: ['sales'] },
        condition: { type: 'above', threshold: 1e6 },
        pendingBuckets: 2,
        channel: { type: 'slack' },
        muteWindows: [{ startsAt: '2026-12-24T18:00:00+01:00', endsAt: '2026-12-26T00:00:00Z' }],
      },
      {
        name: 'Core',
        enabled: false,
        scope: { type: 'metrics', metrics: ['Revenue', 'Sessions'] },
        condition: { type: 'anomaly', minSeverity: 'high', direction: 'both' },
        pendingBuckets: 1,
        channel: { type: 'webhook' },
        muteWindows: [],
      },
    ],
  };
}

const shuffled = <T>(items: readonly T[]) => [...items].reverse();

function refusal(text: string): AppError {
  try {
    parseDefinitionsFile(text);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('writing', () => {
  it('gives the same bytes whatever order the catalog comes in', () => {
    const file = sampleFile();
    const reordered: DefinitionsFile = {
      ...file,
      dataSources: shuffled(file.dataSources),
      factTables: shuffled(file.factTables).map((t) => ({ ...t, rowFilters: shuffled(t.rowFilters) })),
      metrics: shuffled(file.metrics),
      alertRules: shuffled(file.alertRules),
    };
    const text = stringifyDefinitions(canonicalFile(file));
    expect(stringifyDefinitions(canonicalFile(reordered))).toBe(text);
    expect(stringifyDefinitions(canonicalFile(canonicalFile(file)))).toBe(text);
  });

  it('lays the file out for people: sorted names, literal blocks for SQL, plain lists on one line', () => {
    const text = stringifyDefinitions(canonicalFile(sampleFile()));
    expect(text.startsWith('# Sightline definitions')).toBe(true);
    expect(text).toContain('\nversion: 1\ndataSources:\n  - name: Demo\n');
    const metricNames = [...text.matchAll(/^ {2}- name: (.+)$/gm)].map((m) => m[1]);
    expect(metricNames).toEqual([
      'Demo',
      'Events',
      'Warehouse',
      'Orders',
      'Sessions',
      'Refund share',
      'Revenue',
      'Revenue per session',
      'Sessions',
      'Core',
      'Sales',
    ]);
    expect(text).toContain(
      '    sql: |-\n      SELECT order_id, created_at, amount, status\n      FROM orders\n',
    );
    expect(text).toContain('    tags: [sales, core]\n');
    expect(text).toContain('      - {name: order_id, type: number, nativeType: int8}\n');
    // What the form would save: a division has no factor, owners are compared case-insensitively.
    expect(text).toContain('      k: null\n');
    expect(text).toContain('    owner: ada@example.com\n');
    expect(text).toContain('      - startsAt: 2026-12-24T17:00:00.000Z\n');
  });

  it('reads back exactly what it wrote', () => {
    const canonical = canonicalFile(sampleFile());
    expect(canonicalFile(parseDefinitionsFile(stringifyDefinitions(canonical)))).toEqual(canonical);
  });

  it('reads back any text a description, SQL or row filter may hold', () => {
    const [, orders] = sampleFile().factTables;
    if (!orders) throw new Error('sample changed');
    const text = (minLength: number) =>
      fc.string({ unit: 'binary', minLength, maxLength: 120 }).filter((s) => textProblem(s) === null);
    fc.assert(
      fc.property(text(0), text(1), text(1), (description, sql, expression) => {
        fc.pre(expression.trim() !== '');
        const file = canonicalFile({
          version: 1,
          dataSources: [],
          factTables: [{ ...orders, description, sql, rowFilters: [{ name: 'any', expression }] }],
          metrics: [],
          alertRules: [],
        });
        expect(canonicalFile(parseDefinitionsFile(stringifyDefinitions(file)))).toEqual(file);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe('reading refuses, naming where', () => {
  const valid = stringifyDefinitions(canonicalFile(sampleFile()));

  it('text that is not YAML, with line and column', () => {
    const error = refusal('version: 1\nmetrics: [\n  - a\n');
    expect(error.fieldErrors?.file).toMatch(/line \d+, column \d+/);
  });

  it('a file over 1 MB, before reading it', () => {
    const error = refusal(`${valid}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(error.fieldErrors?.file).toMatch(/is 1\.0 MB; definitions files can be at most 1\.0 MB/);
  });

  it('anchors and aliases', () => {
    const error = refusal('version: 1\nmetrics: &all []\nalertRules: *all\n');
    expect(error.fieldErrors?.file).toMatch(/line 3, column 13: anchors and aliases/);
  });

  it('tags that make other values than text, numbers, booleans and null', () => {
    const error = refusal('version: 1\ndataSources:\n  - name: !!binary aGVsbG8=\n');
    expect(error.fieldErrors?.file).toMatch(/only text, numbers/);
  });

  it('nesting deep enough to exhaust the parser, before parsing', () => {
    const started = performance.now();
    const flow = refusal(`version: 1\nmetrics: ${'['.repeat(300_000)}${']'.repeat(300_000)}`);
    expect(flow.fieldErrors?.file).toMatch(/line 2 nests \[ \] and \{ \} more than 32 levels/);
    const steps = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n');
    expect(refusal(`version: 1\nmetrics:\n${steps} x`).fieldErrors?.file).toMatch(/indented more than 128/);
    expect(refusal(`version: 1\nmetrics:\n${'- '.repeat(50_000)}x`).fieldErrors?.file).toMatch(/on one line/);
    expect(performance.now() - started).toBeLessThan(2_000);
    // Brackets inside quoted text and SQL blocks are text, not nesting.
    const sql = `SELECT ${'['.repeat(40)}1${']'.repeat(40)} AS x`;
    expect(() =>
      parseDefinitionsFile(valid.replace('SELECT session_id,', `${sql}, session_id,`)),
    ).not.toThrow();
  });

  it('a key given twice', () => {
    expect(refusal('version: 1\nversion: 1\n').fieldErrors?.file).toMatch(/unique/);
  });

  it('__proto__, constructor and prototype keys, at their path', () => {
    const error = refusal(
      valid.replace(
        '\nmetrics:\n  - name:',
        '\nmetrics:\n  - constructor: 1\n    __proto__: { x: 1 }\n    name:',
      ),
    );
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'metrics[0].__proto__',
      'metrics[0].constructor',
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('unknown keys, and a password with where to set it instead', () => {
    const error = refusal(
      valid.replace('    user: reader\n', '    user: reader\n    password: hunter2\n    options: -c x\n'),
    );
    expect(error.fieldErrors?.['dataSources[2].password']).toMatch(
      /set it in Sources.*\(line \d+, column \d+\)/,
    );
    expect(error.fieldErrors?.['dataSources[2].options']).toMatch(/Unknown key "options"/);
  });

  it('values the forms refuse, at their path', () => {
    const error = refusal(
      valid.replace('    sensitivity: 7\n', '    sensitivity: 11\n').replace('version: 1', 'version: 2'),
    );
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['metrics[1].sensitivity', 'version']);
  });

  it('two entries of a kind with one name', () => {
    const error = refusal(valid.replace('  - name: Refund share', '  - name: Revenue'));
    expect(error.fieldErrors?.['metrics[1].name']).toMatch(/Another metric in the file has this name/);
  });
});

describe('docs/definitions.md', () => {
  it('shows a file exactly as an export writes it', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile('docs/definitions.md', 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    if (!example) throw new Error('no example in docs/definitions.md');
    expect(stringifyDefinitions(canonicalFile(parseDefinitionsFile(example)))).toBe(example);
  });
});
