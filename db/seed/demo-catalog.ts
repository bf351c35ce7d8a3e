/**
 * What the demo project holds: three fact tables over the demo warehouse, their row filters, and metrics of
 * every kind. Names stand in for ids; the seed resolves them.
 */
import type { FactTableColumn } from '@/db/schema';
import type { Aggregation, MetricInput } from '@/lib/metrics/schemas';

export const DEMO_PROJECT = { slug: 'acme', name: 'Acme Shop', timeZone: 'UTC' } as const;
export const DEMO_PASSWORD = 'sightline-demo';
export const DEMO_USERS = [
  { email: 'admin@demo.sightline.dev', name: 'Ada Admin', role: 'admin' },
  { email: 'editor@demo.sightline.dev', name: 'Eddie Editor', role: 'editor' },
  { email: 'viewer@demo.sightline.dev', name: 'Vera Viewer', role: 'viewer' },
] as const;
export const DEMO_DATA_SOURCE = 'Demo warehouse';

type DemoFactTable = {
  name: string;
  description: string;
  sql: string;
  timestampColumn: string;
  identifierColumns: string[];
  columns: FactTableColumn[];
  rowFilters: { name: string; expression: string }[];
};

const col = (name: string, type: FactTableColumn['type'], nativeType: string): FactTableColumn => ({
  name,
  type,
  nativeType,
});

export const DEMO_FACT_TABLES: DemoFactTable[] = [
  {
    name: 'Orders',
    description: 'One row per order placed in the shop.',
    sql: 'SELECT order_id, created_at, customer_id, amount, status, country, channel FROM orders',
    timestampColumn: 'created_at',
    identifierColumns: ['order_id', 'customer_id'],
    columns: [
      col('order_id', 'number', 'int8'),
      col('created_at', 'timestamp', 'timestamptz'),
      col('customer_id', 'number', 'int4'),
      col('amount', 'number', 'numeric'),
      col('status', 'string', 'text'),
      col('country', 'string', 'text'),
      col('channel', 'string', 'text'),
    ],
    rowFilters: [
      { name: 'completed', expression: "status = 'completed'" },
      { name: 'refunded', expression: "status = 'refunded'" },
      { name: 'failed', expression: "status IN ('failed', 'cancelled')" },
    ],
  },
  {
    name: 'Sessions',
    description: 'One row per app or web session.',
    sql: 'SELECT session_id, started_at, user_id, platform, app_version, duration_s, converted FROM sessions',
    timestampColumn: 'started_at',
    identifierColumns: ['session_id', 'user_id'],
    columns: [
      col('session_id', 'number', 'int8'),
      col('started_at', 'timestamp', 'timestamptz'),
      col('user_id', 'number', 'int4'),
      col('platform', 'string', 'text'),
      col('app_version', 'string', 'text'),
      col('duration_s', 'number', 'int4'),
      col('converted', 'boolean', 'bool'),
    ],
    rowFilters: [
      { name: 'converted', expression: 'converted' },
      { name: 'mobile', expression: "platform IN ('ios', 'android')" },
    ],
  },
  {
    name: 'Deployments',
    description: 'One row per production deployment.',
    sql: 'SELECT deployment_id, deployed_at, service, outcome, duration_s FROM deployments',
    timestampColumn: 'deployed_at',
    identifierColumns: ['deployment_id'],
    columns: [
      col('deployment_id', 'number', 'int8'),
      col('deployed_at', 'timestamp', 'timestamptz'),
      col('service', 'string', 'text'),
      col('outcome', 'string', 'text'),
      col('duration_s', 'number', 'int4'),
    ],
    rowFilters: [{ name: 'unsuccessful', expression: "outcome <> 'success'" }],
  },
];

/** An operand named by fact table and row filter names, resolved to ids by the seed. */
export type DemoOperand = {
  factTable: string;
  aggregation: Aggregation;
  column: string | null;
  filters: string[];
};

export type DemoMetric = Omit<MetricInput, 'definition' | 'ownerId'> & {
  owner: (typeof DEMO_USERS)[number]['email'];
  definition:
    | { kind: 'fact'; shape: 'single'; operand: DemoOperand; breakdowns: string[] }
    | { kind: 'fact'; shape: 'ratio'; numerator: DemoOperand; denominator: DemoOperand }
    | { kind: 'sql'; sql: string; valueKind: 'count' | 'fractional' }
    | {
        kind: 'composition';
        op: 'div' | 'sub' | 'add' | 'scale';
        a: string;
        b: string | null;
        k: number | null;
      };
};

const base = {
  description: '',
  unit: '',
  format: 'number',
  direction: 'higher_is_better',
  lifecycle: 'active',
  sensitivity: 5,
} as const;

const orders = (aggregation: Aggregation, column: string | null, filters: string[] = []): DemoOperand => ({
  factTable: 'Orders',
  aggregation,
  column,
  filters,
});

export const DEMO_METRICS: DemoMetric[] = [
  {
    ...base,
    name: 'Orders',
    description: 'Orders placed, every status.',
    owner: 'editor@demo.sightline.dev',
    tags: ['sales', 'core'],
    interval: 'hour',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: orders('count', null),
      breakdowns: ['country', 'channel'],
    },
  },
  {
    ...base,
    name: 'Revenue',
    description: 'Sum of completed order amounts.',
    owner: 'editor@demo.sightline.dev',
    tags: ['sales', 'core'],
    unit: 'USD',
    format: 'currency',
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: orders('sum', 'amount', ['completed']),
      breakdowns: ['country'],
    },
  },
  {
    ...base,
    name: 'Paying customers',
    description: 'Distinct customers with a completed order.',
    owner: 'editor@demo.sightline.dev',
    tags: ['sales'],
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: orders('count_distinct', 'customer_id', ['completed']),
      breakdowns: [],
    },
  },
  {
    ...base,
    name: 'Average order value',
    description: 'Mean amount of completed orders.',
    owner: 'admin@demo.sightline.dev',
    tags: ['sales'],
    unit: 'USD',
    format: 'currency',
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: orders('avg', 'amount', ['completed']),
      breakdowns: [],
    },
  },
  {
    ...base,
    name: 'Order amount p90',
    description: '90th percentile of order amounts.',
    owner: 'admin@demo.sightline.dev',
    tags: ['sales'],
    unit: 'USD',
    format: 'currency',
    direction: 'neutral',
    interval: 'day',
    lifecycle: 'draft',
    definition: { kind: 'fact', shape: 'single', operand: orders('p90', 'amount'), breakdowns: [] },
  },
  {
    ...base,
    name: 'Refund rate',
    description: 'Refunded orders as a share of all orders.',
    owner: 'editor@demo.sightline.dev',
    tags: ['sales', 'quality'],
    format: 'percent',
    direction: 'lower_is_better',
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'ratio',
      numerator: orders('count', null, ['refunded']),
      denominator: orders('count', null),
    },
  },
  {
    ...base,
    name: 'Session conversion',
    description: 'Sessions that converted, as a share of all sessions.',
    owner: 'editor@demo.sightline.dev',
    tags: ['product', 'core'],
    format: 'percent',
    interval: 'hour',
    definition: {
      kind: 'fact',
      shape: 'ratio',
      numerator: { factTable: 'Sessions', aggregation: 'count', column: null, filters: ['converted'] },
      denominator: { factTable: 'Sessions', aggregation: 'count', column: null, filters: [] },
    },
  },
  {
    ...base,
    name: 'Median session duration',
    description: 'Median session length in seconds, mobile apps only.',
    owner: 'admin@demo.sightline.dev',
    tags: ['product'],
    unit: 's',
    format: 'duration',
    interval: 'hour',
    definition: {
      kind: 'fact',
      shape: 'single',
      operand: { factTable: 'Sessions', aggregation: 'p50', column: 'duration_s', filters: ['mobile'] },
      breakdowns: ['platform'],
    },
  },
  {
    ...base,
    name: 'Deployment failure rate',
    description: 'Deployments that failed or were rolled back.',
    owner: 'admin@demo.sightline.dev',
    tags: ['engineering'],
    format: 'percent',
    direction: 'lower_is_better',
    interval: 'day',
    definition: {
      kind: 'fact',
      shape: 'ratio',
      numerator: { factTable: 'Deployments', aggregation: 'count', column: null, filters: ['unsuccessful'] },
      denominator: { factTable: 'Deployments', aggregation: 'count', column: null, filters: [] },
    },
  },
  {
    ...base,
    name: 'Daily active users',
    description: 'Distinct users with a session that day, written as SQL.',
    owner: 'editor@demo.sightline.dev',
    tags: ['product', 'core'],
    interval: 'day',
    definition: {
      kind: 'sql',
      valueKind: 'count',
      sql: [
        "SELECT date_trunc('day', started_at) AS bucket, count(DISTINCT user_id) AS value",
        'FROM sessions',
        'WHERE started_at >= {{start}} AND started_at < {{end}}',
        'GROUP BY 1',
      ].join('\n'),
    },
  },
  {
    ...base,
    name: 'Revenue per active user',
    description: 'Revenue divided by daily active users.',
    owner: 'admin@demo.sightline.dev',
    tags: ['sales', 'product'],
    unit: 'USD',
    format: 'currency',
    interval: 'day',
    definition: { kind: 'composition', op: 'div', a: 'Revenue', b: 'Daily active users', k: null },
  },
];
