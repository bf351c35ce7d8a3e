/**
 * The embedded demo warehouse: an e-commerce shop's `orders`, app `sessions` and `deployments`, generated
 * entirely in SQL (generate_series) so a million rows take seconds instead of a million round trips.
 *
 * Shape of the data, chosen so every anomaly-detection feature has something to find:
 * - hourly row counts follow an hour-of-day curve (quiet nights, evening peak), a day-of-week curve (orders
 *   dip at the weekend, sessions rise), a gentle upward trend and hourly noise;
 * - incidents are planted at fixed offsets from the anchor (see demoIncidents), and the last DEMO_QUIET_DAYS
 *   days hold none, so "a quiet stretch raises nothing" can be tested against the same data.
 *
 * Determinism: every random draw is hashint8extended(key, salt), keyed by a row id or an hour number. Unlike
 * setseed() + random(), it does not depend on the session (postgres.js pools connections), on the order rows
 * are evaluated in or on parallel workers: the same anchor gives identical rows on every run, and PGlite and
 * a Postgres server give the same rows too (the hash and IEEE arithmetic are the same on both).
 *
 * Calendar arithmetic is done `at time zone 'UTC'`: a server whose TimeZone is not UTC gives the same rows.
 */

export type SqlRunner = (sql: string) => Promise<unknown>;

export const DEMO_WAREHOUSE_DAYS = 120;
/** No incident starts or ends in this many days before the anchor (level shifts have settled by then). */
export const DEMO_QUIET_DAYS = 14;
/** Bumped whenever the generated rows change; a warehouse written by another version reads as absent. */
export const DEMO_WAREHOUSE_VERSION = 1;
export const DEMO_WAREHOUSE_TABLES = ['orders', 'sessions', 'deployments'] as const;

export type DemoIncidentEffect = 'spike' | 'drop' | 'level_shift' | 'missing_data';

export type DemoIncident = {
  key: string;
  table: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  effect: DemoIncidentEffect;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `anchor + days + hours` (days are negative for the past): incidents are whole hours from the anchor. */
function at(anchor: Date, days: number, hours = 0): Date {
  return new Date(anchor.getTime() + days * DAY_MS + hours * HOUR_MS);
}

/** First and last instant of the generated data: [anchor − 120 days, anchor + 1 day). */
export function demoWarehouseRange(anchor: Date): { start: Date; end: Date } {
  return { start: at(anchor, -DEMO_WAREHOUSE_DAYS), end: at(anchor, 1) };
}

/** The anchor for a demo seeded at `now`: the UTC midnight that starts that day. */
export function demoAnchorFor(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/**
 * The planted incidents, oldest first. Spikes, drops and gaps end before the last DEMO_QUIET_DAYS days; level
 * shifts never end (endsAt is the end of the data) but start more than 28 days before the anchor, so by the
 * quiet stretch the new level is the baseline.
 */
export function demoIncidents(anchor: Date): DemoIncident[] {
  assertAnchor(anchor);
  const { end } = demoWarehouseRange(anchor);
  return [
    {
      key: 'sessions_gap',
      table: 'sessions',
      description: 'Event pipeline outage: no session rows were recorded for 10 hours.',
      startsAt: at(anchor, -60, 6),
      endsAt: at(anchor, -60, 16),
      effect: 'missing_data',
    },
    {
      key: 'android_duration_regression',
      table: 'sessions',
      description:
        'Android app_version 3.20.0 cuts session duration by ~30%; ' +
        'it reaches users over a few days as they update.',
      startsAt: at(anchor, -50),
      endsAt: end,
      effect: 'level_shift',
    },
    {
      key: 'order_amount_shift',
      table: 'orders',
      description: 'Price increase: the average order amount is ~20% higher from this day on.',
      startsAt: at(anchor, -45),
      endsAt: end,
      effect: 'level_shift',
    },
    {
      key: 'checkout_outage',
      table: 'orders',
      description:
        'Checkout outage after a bad checkout deploy: orders fall to ~30% for 6 hours and ~45% of them fail.',
      startsAt: at(anchor, -35, 9),
      endsAt: at(anchor, -35, 15),
      effect: 'drop',
    },
    {
      key: 'flash_sale_spike',
      table: 'orders',
      description: 'Unannounced flash sale: ~3× the usual orders for 2 hours.',
      startsAt: at(anchor, -20, 14),
      endsAt: at(anchor, -20, 16),
      effect: 'spike',
    },
  ];
}

function assertAnchor(anchor: Date): void {
  if (Number.isNaN(anchor.getTime()) || anchor.getTime() % DAY_MS !== 0) {
    throw new RangeError(`The demo warehouse anchor must be a UTC midnight, got ${String(anchor)}`);
  }
}

function incident(incidents: DemoIncident[], key: string): DemoIncident {
  const found = incidents.find((i) => i.key === key);
  if (!found) throw new Error(`Unknown demo incident ${key}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// SQL building blocks

function ts(d: Date): string {
  return `'${d.toISOString()}'::timestamptz`;
}

/** `[start, end)` test on a timestamp expression. */
function within(expr: string, i: DemoIncident): string {
  return `(${expr} >= ${ts(i.startsAt)} and ${expr} < ${ts(i.endsAt)})`;
}

/** FNV-1a: turns a readable draw name into a numeric salt, so two draws never share a stream by accident. */
function salt(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A uniform draw in [0, 1) from a bigint key: 52 hash bits become the float's mantissa. */
function rand(key: string, name: string): string {
  return `((hashint8extended(${key}, ${salt(name)}) & 4503599627370495)::float8 / 4503599627370496)`;
}

/** A standard normal draw (Box–Muller); 1 − u keeps ln away from zero. */
function normal(key: string, name: string): string {
  return `(sqrt(-2 * ln(1 - ${rand(key, `${name}.a`)})) * cos(2 * pi() * ${rand(key, `${name}.b`)}))`;
}

/** Picks a label by cumulative weight: `u < w1 → label1, u < w1 + w2 → label2, …`. */
function pick(u: string, weights: [string, number][]): string {
  let cumulative = 0;
  const branches = weights.slice(0, -1).map(([label, weight]) => {
    cumulative += weight;
    return `when ${u} < ${cumulative.toFixed(4)} then '${label}'`;
  });
  return `case ${branches.join(' ')} else '${weights[weights.length - 1]?.[0]}' end`;
}

function sqlArray(values: number[]): string {
  return `array[${values.map((v) => v.toFixed(2)).join(', ')}]::float8[]`;
}

type Rates = {
  /** Expected rows per hour at weight 1 on the first day. */
  base: number;
  /** Weights by UTC hour 0–23. */
  hourly: number[];
  /** Weights by ISO day of week, Monday first. */
  weekly: number[];
  /** Growth over the 120 days, e.g. 0.3 → +30%. */
  trend: number;
  /** Half-width of the hourly noise (triangular), e.g. 0.16 → within ±16%. */
  noise: number;
  /** SQL multiplier on the hour `h`, for incidents that change volume. */
  volume?: string;
  /** Per-hour boolean columns (SQL on `h`) that the row statement reads; incidents are whole hours. */
  flags?: Record<string, string>;
};

/**
 * The shared head of every table's statement: one row per hour of the range with its row count `n`, the id
 * of its first row and its flags, so the LATERAL generate_series(1, n) that follows makes the curve's rows.
 */
function hourlyCounts(table: string, anchor: Date, rates: Rates): string {
  const { start, end } = demoWarehouseRange(anchor);
  const hourKey = 'hour_key';
  const flags = Object.entries(rates.flags ?? {}).map(([name, expr]) => `,\n             ${expr} as ${name}`);
  const elapsed = `extract(epoch from h - ${ts(start)})::float8`;
  if (rates.hourly.length !== 24 || rates.weekly.length !== 7) throw new Error(`Bad ${table} curve`);
  const hourly = `(${sqlArray(rates.hourly)})[hour_of_day + 1]`;
  const weekly = `(${sqlArray(rates.weekly)})[day_of_week]`;
  const noise = `(${rand(hourKey, `${table}.noise.a`)} + ${rand(hourKey, `${table}.noise.b`)} - 1)`;
  return `
    hours as (
      select h,
             extract(hour from h at time zone 'UTC')::int as hour_of_day,
             extract(isodow from h at time zone 'UTC')::int as day_of_week,
             extract(epoch from h)::bigint as hour_epoch,
             extract(epoch from h)::bigint / 3600 as hour_key,
             ${elapsed} / ${DEMO_WAREHOUSE_DAYS * 86_400} as progress${flags.join('')}
      from generate_series(${ts(start)}, ${ts(end)} - interval '1 hour', interval '1 hour') as h
    ),
    expected as (
      select hours.*,
             ${rates.base} * ${hourly} * ${weekly}
               * (1 + ${rates.trend} * progress)
               * (1 + ${rates.noise} * ${noise})
               * ${rates.volume ?? '1'} as rate
      from hours
    ),
    counts as (
      -- Stochastic rounding keeps low-rate hours (nights, deployments) from always rounding to zero.
      select expected.*, floor(rate + ${rand(hourKey, `${table}.round`)})::int as n
      from expected
    ),
    numbered as (
      select counts.*, sum(n) over (order by h) - n as first_id
      from counts
    )`;
}

/**
 * The rows of each hour: an id and a time spread uniformly over the hour. Times stay float8 epochs until the
 * final select: timestamp ± float × interval costs twice as much per row as to_timestamp on PGlite.
 */
function hourRows(table: string, id: string, epoch: string): string {
  return `
      select numbered.*, numbered.first_id + i as ${id},
             numbered.hour_epoch + 3600 * ${rand('(numbered.first_id + i)', `${table}.time`)} as ${epoch}
      from numbered cross join lateral generate_series(1, numbered.n) as i`;
}

/**
 * Ends a CTE whose columns are read more than once. OFFSET 0 stops the planner from inlining the CTE into its
 * reader, which would copy (and re-evaluate) each draw into every expression that uses it: sessions take ~25%
 * longer without it.
 */
const FENCE = 'offset 0';

// ---------------------------------------------------------------------------------------------------------
// One statement per table

function ordersSql(anchor: Date, incidents: DemoIncident[]): string {
  const spike = incident(incidents, 'flash_sale_spike');
  const outage = incident(incidents, 'checkout_outage');
  const priceChange = incident(incidents, 'order_amount_shift');
  const id = 'order_id';
  const head = hourlyCounts('orders', anchor, {
    base: 165,
    hourly: [
      0.3, 0.2, 0.14, 0.1, 0.09, 0.11, 0.18, 0.32, 0.5, 0.62, 0.7, 0.76, 0.82, 0.8, 0.76, 0.74, 0.78, 0.86,
      0.96, 1, 1, 0.92, 0.72, 0.48,
    ],
    // A consumer shop: busiest on Friday, quiet at the weekend.
    weekly: [1, 1.02, 1.03, 1.02, 1.08, 0.78, 0.72],
    trend: 0.3,
    noise: 0.16,
    volume: `case when ${within('h', spike)} then 3 when ${within('h', outage)} then 0.3 else 1 end`,
    flags: { in_outage: within('h', outage), after_price_change: `h >= ${ts(priceChange.startsAt)}` },
  });
  return `
    drop table if exists orders;
    create table orders (
      order_id bigint not null,
      created_at timestamptz not null,
      customer_id int not null,
      amount numeric(10, 2) not null,
      status text not null,
      country text not null,
      channel text not null
    );
    insert into orders (order_id, created_at, customer_id, amount, status, country, channel)
    with ${head},
    order_rows as (${hourRows('orders', id, 'created_epoch')}
    ),
    draws as (
      select order_id, created_epoch, in_outage, after_price_change,
             ${pick(rand(id, 'orders.channel'), [
               ['web', 0.46],
               ['ios', 0.24],
               ['android', 0.2],
               ['partner', 0.1],
             ])} as channel,
             ${normal(id, 'orders.amount')} as amount_z,
             ${rand(id, 'orders.status')} as status_u,
             -- u^1.6 skews towards low ids: a few loyal customers order often, most order once or twice.
             1 + floor(80000 * power(${rand(id, 'orders.customer')}, 1.6))::int as customer_id,
             ${pick(rand(id, 'orders.country'), [
               ['US', 0.34],
               ['DE', 0.14],
               ['GB', 0.13],
               ['FR', 0.1],
               ['BR', 0.11],
               ['IN', 0.11],
               ['JP', 0.07],
             ])} as country
      from order_rows
      ${FENCE}
    )
    select order_id, to_timestamp(created_epoch), customer_id,
           -- Log-normal basket (median ~42); partner orders are wholesale-sized; prices rise on shift day.
           round(least(greatest(exp(ln(42) + 0.55 * amount_z)
             * case when channel = 'partner' then 1.6 else 1 end
             * case when after_price_change then 1.2 else 1 end, 3), 2500)::numeric, 2),
           case
             when in_outage then ${pick('status_u', [
               ['completed', 0.45],
               ['refunded', 0.02],
               ['failed', 0.45],
               ['cancelled', 0.08],
             ])}
             else ${pick('status_u', [
               ['completed', 0.85],
               ['refunded', 0.05],
               ['failed', 0.06],
               ['cancelled', 0.04],
             ])}
           end,
           country, channel
    from draws;
    create index orders_created_at_idx on orders (created_at);
  `;
}

function sessionsSql(anchor: Date, incidents: DemoIncident[]): string {
  const gap = incident(incidents, 'sessions_gap');
  const regression = incident(incidents, 'android_duration_regression');
  const id = 'session_id';
  const head = hourlyCounts('sessions', anchor, {
    base: 400,
    hourly: [
      0.36, 0.26, 0.18, 0.14, 0.12, 0.14, 0.22, 0.38, 0.55, 0.64, 0.7, 0.74, 0.8, 0.78, 0.74, 0.74, 0.78,
      0.86, 0.94, 1, 1, 0.95, 0.8, 0.56,
    ],
    // Browsing is a leisure activity: more sessions at the weekend even though orders dip.
    weekly: [0.95, 0.96, 0.97, 0.97, 1, 1.15, 1.2],
    trend: 0.25,
    noise: 0.14,
    volume: `case when ${within('h', gap)} then 0 else 1 end`,
  });
  // Apps ship every 14 days on a train aligned with the regressing release (index 0 = 3.20.0). Mobile users
  // update after an exponential delay (mean 1.5 days), so a release takes over gradually; the web is current.
  const releaseEpoch = regression.startsAt.getTime() / 1000;
  return `
    drop table if exists sessions;
    create table sessions (
      session_id bigint not null,
      started_at timestamptz not null,
      user_id int not null,
      platform text not null,
      app_version text not null,
      duration_s int not null,
      converted boolean not null
    );
    insert into sessions (session_id, started_at, user_id, platform, app_version, duration_s, converted)
    with ${head},
    session_rows as (${hourRows('sessions', id, 'started_epoch')}
    ),
    draws as (
      select session_id, started_epoch,
             ${pick(rand(id, 'sessions.platform'), [
               ['web', 0.48],
               ['ios', 0.3],
               ['android', 0.22],
             ])} as platform,
             1 + floor(250000 * power(${rand(id, 'sessions.user')}, 1.4))::int as user_id,
             ${normal(id, 'sessions.duration')} as duration_z,
             ${rand(id, 'sessions.converted')} as converted_u,
             -ln(1 - ${rand(id, 'sessions.update_lag')}) * 1.5 * 86400 as update_lag_s
      from session_rows
      ${FENCE}
    ),
    versioned as (
      select draws.*,
             floor((started_epoch - case when platform = 'web' then 0 else update_lag_s end - ${releaseEpoch})
               / ${14 * 86_400})::int as release_index
      from draws
      ${FENCE}
    ),
    timed as (
      select versioned.*,
             -- Log-normal session length (median 3 min); the android regression cuts it by 30%.
             least(greatest(
               exp(ln(180) + 0.9 * duration_z)
                 * case when platform = 'android' and release_index >= 0 then 0.7 else 1 end,
               5), 7200)::int as duration_s
      from versioned
      ${FENCE}
    )
    select session_id, to_timestamp(started_epoch), user_id, platform,
           '3.' || (20 + release_index) || '.0',
           duration_s,
           -- Longer sessions convert more often: 1.5% for a bounce up to 6.5% at ten minutes or more.
           converted_u < 0.015 + 0.05 * least(duration_s / 600::float8, 1)
    from timed;
    create index sessions_started_at_idx on sessions (started_at);
  `;
}

function deploymentsSql(anchor: Date, incidents: DemoIncident[]): string {
  const outage = incident(incidents, 'checkout_outage');
  const id = 'deployment_id';
  const head = hourlyCounts('deployments', anchor, {
    base: 3.2,
    // Office hours in UTC with a lunch dip; a trickle of automated deploys at night.
    hourly: [
      0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.1, 0.3, 0.8, 1, 1, 0.9, 0.6, 0.9, 1, 1, 0.9, 0.6, 0.3, 0.1, 0.05,
      0.02, 0.02, 0.02,
    ],
    weekly: [1, 1, 1, 1, 0.7, 0.12, 0.08],
    trend: 0.2,
    noise: 0.3,
    flags: { in_outage: within('h', outage) },
  });
  return `
    drop table if exists deployments;
    create table deployments (
      deployment_id bigint not null,
      deployed_at timestamptz not null,
      service text not null,
      outcome text not null,
      duration_s int not null
    );
    insert into deployments (deployment_id, deployed_at, service, outcome, duration_s)
    with ${head},
    deployment_rows as (${hourRows('deployments', id, 'deployed_epoch')}
    ),
    draws as (
      select deployment_id, deployed_epoch, in_outage,
             ${rand(id, 'deployments.outcome')} as outcome_u,
             ${pick(rand(id, 'deployments.service'), [
               ['api', 0.22],
               ['web', 0.2],
               ['checkout', 0.1],
               ['search', 0.12],
               ['payments', 0.08],
               ['notifications', 0.1],
               ['auth', 0.06],
               ['worker', 0.12],
             ])} as service,
             ${normal(id, 'deployments.duration')} as duration_z
      from deployment_rows
      ${FENCE}
    )
    select deployment_id, to_timestamp(deployed_epoch),
           -- The outage story: while it lasts, every deploy is the checkout team failing to fix or roll back.
           case when in_outage then 'checkout' else service end,
           case
             when in_outage then case when outcome_u < 0.5 then 'failure' else 'rolled_back' end
             else ${pick('outcome_u', [
               ['success', 0.92],
               ['failure', 0.05],
               ['rolled_back', 0.03],
             ])}
           end,
           least(greatest(exp(ln(240) + 0.6 * duration_z), 20), 3600)::int
    from draws;
    create index deployments_deployed_at_idx on deployments (deployed_at);
  `;
}

// ---------------------------------------------------------------------------------------------------------

type CountRow = { table_name: string; row_count: number };

function isCountRow(row: unknown): row is CountRow {
  if (typeof row !== 'object' || row === null) return false;
  const r = row as Record<string, unknown>;
  return (
    typeof r.table_name === 'string' && (typeof r.row_count === 'number' || typeof r.row_count === 'string')
  );
}

/**
 * Finds the rows of the last statement in what a runner returned: PGlite's exec gives `[{ rows }]`,
 * postgres.js `.simple()` gives the rows for one statement and an array of row arrays for several.
 */
function lastRows(result: unknown): unknown[] {
  if (!Array.isArray(result)) return [];
  const last: unknown = result[result.length - 1];
  if (Array.isArray(last)) return last;
  if (typeof last === 'object' && last !== null && 'rows' in last && Array.isArray(last.rows))
    return last.rows;
  return result;
}

/**
 * Generates the demo warehouse in the runner's database: drops and recreates orders, sessions, deployments
 * and demo_meta. demo_meta is dropped first and written last, so an interrupted seed reads as absent.
 * Each table is one runner call, which a Postgres server runs as one implicit transaction: a table is never
 * seen half-written, and the calls need not share a session.
 */
export async function seedDemoWarehouse(
  run: SqlRunner,
  opts: { anchor: Date },
): Promise<{ tables: Record<string, number> }> {
  const { anchor } = opts;
  assertAnchor(anchor);
  const incidents = demoIncidents(anchor);

  await run('drop table if exists demo_meta;');
  await run(ordersSql(anchor, incidents));
  await run(sessionsSql(anchor, incidents));
  await run(deploymentsSql(anchor, incidents));
  // Fresh statistics: collection queries filter on the timestamp columns right after seeding.
  await run('analyze orders; analyze sessions; analyze deployments;');
  await run(`
    create table demo_meta (
      anchor timestamptz not null,
      generated_at timestamptz not null,
      version int not null
    );
    insert into demo_meta (anchor, generated_at, version)
    values (${ts(anchor)}, now(), ${DEMO_WAREHOUSE_VERSION});
  `);

  const counted = await run(
    DEMO_WAREHOUSE_TABLES.map(
      (table) => `select '${table}' as table_name, count(*)::int as row_count from ${table}`,
    ).join(' union all '),
  );
  const rows = lastRows(counted).filter(isCountRow);
  if (rows.length !== DEMO_WAREHOUSE_TABLES.length) {
    throw new Error('The SQL runner must return query rows (PGlite exec or postgres.js unsafe().simple())');
  }
  return { tables: Object.fromEntries(rows.map((r) => [r.table_name, Number(r.row_count)])) };
}

/**
 * The anchor of the demo warehouse in this database, or null when it was never completely seeded or was
 * seeded by another DEMO_WAREHOUSE_VERSION: either way the caller should seed it.
 */
export async function demoWarehouseAnchor(
  query: (sql: string) => Promise<{ anchor: string | Date }[]>,
): Promise<Date | null> {
  let rows: { anchor: string | Date }[];
  try {
    rows = await query(
      `select to_char(anchor at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as anchor
       from demo_meta where version = ${DEMO_WAREHOUSE_VERSION} order by generated_at desc limit 1`,
    );
  } catch (error) {
    // 42P01 undefined_table: never seeded, or a seed is in progress.
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === '42P01') return null;
    throw error;
  }
  const value = rows[0]?.anchor;
  if (value === undefined) return null;
  const anchor = value instanceof Date ? value : new Date(value);
  return Number.isNaN(anchor.getTime()) ? null : anchor;
}
