/**
 * The demo on ClickHouse (`npm run demo -- --clickhouse`, or DEMO_WAREHOUSE=clickhouse): the rows of the embedded
 * demo warehouse are copied into ClickHouse and the demo's data source becomes a clickhouse source, so every
 * collection reads from ClickHouse.
 *
 * The server is the one CLICKHOUSE_URL names (http(s)://user:password@host:port/database; the user needs the
 * right to create tables there), or else a private clickhouse-server this process starts on a free port of
 * 127.0.0.1, with its data under DATA_DIR/clickhouse so a restart keeps the copied rows. A demo without the flag
 * switches the data source back to the embedded warehouse.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { metrics } from '@/db/schema';
import { resetCollection } from '@/lib/collection/queries';
import { findFactTableByName, updateFactTableRow } from '@/lib/fact-tables/queries';
import { findMetricByName } from '@/lib/metrics/queries';
import { findProjectBySlug } from '@/lib/projects/queries';
import { findDataSourceByName, updateDataSourceRow } from '@/lib/sources/queries';
import { encryptSecret, getKeyring } from '@/lib/sources/secrets';
import { chString } from '@/lib/warehouse/clickhouse-literals';
import { openEmbeddedWarehouse } from '@/lib/warehouse/embedded';
import { DEMO_DATA_SOURCE, DEMO_FACT_TABLES, DEMO_PROJECT } from './demo-catalog';
import { DEMO_WAREHOUSE_VERSION, demoWarehouseAnchor } from './demo-warehouse';

export type DemoClickHouse = {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  stop: () => Promise<void>;
};

type Progress = (message: string) => void;

/** Whether this demo runs on ClickHouse: the --clickhouse flag or DEMO_WAREHOUSE=clickhouse. */
export function wantsClickHouseDemo(args: ReadonlySet<string>, demoWarehouse: string | undefined): boolean {
  return args.has('--clickhouse') || demoWarehouse === 'clickhouse';
}

// ---------------------------------------------------------------------------------------------------------------
// The server

/** `clickhouse-server` on the PATH or in /usr/sbin (Debian), else the single `clickhouse` binary. */
function findServer(): { command: string; args: string[] } | null {
  for (const [command, args] of [
    ['clickhouse-server', []],
    ['/usr/sbin/clickhouse-server', []],
    ['clickhouse', ['server']],
  ] as const) {
    if (!spawnSync(command, [...args, '--version'], { stdio: 'ignore' }).error)
      return { command, args: [...args] };
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const DEMO_USER = 'sightline';

function serverConfig(dir: string, httpPort: number, tcpPort: number, password: string) {
  const config = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <${DEMO_USER}>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${DEMO_USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
  return { config, users };
}

/** The server CLICKHOUSE_URL names, or a private one started here (stopped by stop() or when this process exits). */
export async function startDemoClickHouse({
  dataDir,
  url: fromEnv,
  progress,
}: {
  dataDir: string;
  /** CLICKHOUSE_URL, when set. */
  url?: string;
  progress: Progress;
}): Promise<DemoClickHouse> {
  if (fromEnv) {
    const url = new URL(fromEnv);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error('CLICKHOUSE_URL must be an http:// or https:// URL of the ClickHouse HTTP interface.');
    }
    progress(`Using the ClickHouse server at ${url.hostname}:${url.port || '(default port)'}.`);
    return {
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || (url.protocol === 'https:' ? 8443 : 8123)),
      database: url.pathname.replace(/^\//, '') || 'default',
      user: decodeURIComponent(url.username || 'default'),
      password: decodeURIComponent(url.password),
      stop: async () => {},
    };
  }
  const binary = findServer();
  if (!binary) {
    throw new Error(
      'The ClickHouse demo needs clickhouse-server (apt-get install -y clickhouse-server clickhouse-client) or CLICKHOUSE_URL.',
    );
  }
  const dir = path.join(dataDir, 'clickhouse');
  for (const sub of ['data', 'tmp', 'log', 'user_files'])
    await mkdir(path.join(dir, sub), { recursive: true });
  const passwordFile = path.join(dir, 'password');
  const password = existsSync(passwordFile)
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  await writeFile(passwordFile, password, { mode: 0o600 });
  const httpPort = await freePort();
  let tcpPort = await freePort();
  while (tcpPort === httpPort) tcpPort = await freePort();
  const { config, users } = serverConfig(dir, httpPort, tcpPort, password);
  await writeFile(path.join(dir, 'config.xml'), config);
  await writeFile(path.join(dir, 'users.xml'), users, { mode: 0o600 });

  const out = openSync(path.join(dir, 'log', 'stdout.log'), 'a');
  const child: ChildProcess = spawn(
    binary.command,
    [...binary.args, `--config-file=${path.join(dir, 'config.xml')}`],
    { cwd: dir, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const kill = () => child.kill('SIGTERM');
  process.once('exit', kill);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clickhouse-server exited; see ${dir}/log.`);
    const ok = await fetch(`http://127.0.0.1:${httpPort}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clickhouse-server did not start; see ${dir}/log.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  progress(`Started ClickHouse on 127.0.0.1:${httpPort} (data in ${dir}).`);
  return {
    protocol: 'http',
    host: '127.0.0.1',
    port: httpPort,
    database: 'default',
    user: DEMO_USER,
    password,
    stop: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The rows

type Admin = (sql: string, body?: string) => Promise<string>;

/** Statements as the demo's user, each on a new connection (the server drops idle ones after a few seconds). */
function adminOf(ch: DemoClickHouse): Admin {
  return (sql, body) =>
    new Promise((resolve, reject) => {
      const request = (ch.protocol === 'https' ? https : http).request(
        {
          host: ch.host,
          port: ch.port,
          method: 'POST',
          path: `/?database=${encodeURIComponent(ch.database)}`,
          agent: false,
          headers: { 'X-ClickHouse-User': ch.user, 'X-ClickHouse-Key': ch.password },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            (response.statusCode ?? 500) < 300
              ? resolve(text)
              : reject(new Error(`ClickHouse refused the demo load: ${text.slice(0, 500)}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body === undefined ? sql : `${sql}\n${body}`);
    });
}

/** Each table: its ClickHouse definition and the Postgres select that reads it as JSON-ready rows. */
const TABLES = [
  {
    name: 'orders',
    key: 'order_id',
    create: `(order_id Int64, created_at DateTime, customer_id Int32, amount Decimal(10, 2),
      status String, country String, channel String)
      engine = MergeTree order by (created_at, order_id)`,
    select: `order_id::text as order_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as created_at,
      customer_id, amount::float8 as amount, status, country, channel`,
  },
  {
    name: 'sessions',
    key: 'session_id',
    create: `(session_id Int64, started_at DateTime, user_id Int32, platform String,
      app_version String, duration_s Int32, converted UInt8)
      engine = MergeTree order by (started_at, session_id)`,
    select: `session_id::text as session_id, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as started_at,
      user_id, platform, app_version, duration_s, case when converted then 1 else 0 end as converted`,
  },
  {
    name: 'deployments',
    key: 'deployment_id',
    create: `(deployment_id Int64, deployed_at DateTime, service String,
      outcome String, duration_s Int32)
      engine = MergeTree order by (deployed_at, deployment_id)`,
    select: `deployment_id::text as deployment_id, to_char(deployed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as deployed_at,
      service, outcome, duration_s`,
  },
] as const;

const PAGE = 100_000;

/**
 * Copies the embedded demo warehouse (already generated for today) into ClickHouse, unless ClickHouse already
 * holds the rows of the same anchor and version.
 */
export async function loadDemoClickHouse(
  ch: DemoClickHouse,
  { warehouseDir, progress }: { warehouseDir: string; progress: Progress },
): Promise<boolean> {
  const admin = adminOf(ch);
  const pg = await openEmbeddedWarehouse(warehouseDir);
  try {
    const anchor = await demoWarehouseAnchor(async (text) => (await pg.query<{ anchor: string }>(text)).rows);
    if (!anchor) throw new Error('The embedded demo warehouse is missing; it is generated before this step.');
    const stamp = `${anchor.toISOString()} v${DEMO_WAREHOUSE_VERSION}`;
    const exists = (await admin('exists table demo_meta')).trim() === '1';
    const loaded = exists ? (await admin('select stamp from demo_meta format TSV')).trim() : '';
    if (loaded === stamp) {
      progress('ClickHouse demo tables are up to date.');
      return false;
    }
    progress('Copying the demo warehouse into ClickHouse…');
    const started = performance.now();
    let total = 0;
    await admin('drop table if exists demo_meta');
    for (const table of TABLES) {
      await admin(`drop table if exists ${table.name}`);
      await admin(`create table ${table.name} ${table.create}`);
      let after = '-1';
      for (;;) {
        const { rows } = await pg.query<Record<string, unknown>>(
          `select ${table.select} from ${table.name} where ${table.name}.${table.key} > $1 order by ${table.name}.${table.key} limit ${PAGE}`,
          [after],
        );
        if (rows.length === 0) break;
        await admin(
          `insert into ${table.name} format JSONEachRow`,
          rows.map((r) => JSON.stringify(r)).join('\n'),
        );
        total += rows.length;
        after = String(rows[rows.length - 1]?.[table.key]);
      }
      const [expected] = (await pg.query<{ n: number }>(`select count(*)::int as n from ${table.name}`)).rows;
      const copied = Number((await admin(`select count() from ${table.name} format TSV`)).trim());
      if (copied !== expected?.n) {
        throw new Error(
          `Copying ${table.name} into ClickHouse gave ${copied} rows instead of ${expected?.n}.`,
        );
      }
    }
    await admin('create table demo_meta (stamp String) engine = TinyLog');
    await admin(`insert into demo_meta values (${chString(stamp)})`);
    progress(
      `ClickHouse demo tables ready: ${total.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    return true;
  } finally {
    await pg.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The demo's data source

const DAU_METRIC = 'Daily active users';
const DAU_SQL = {
  postgres: [
    "SELECT date_trunc('day', started_at) AS bucket, count(DISTINCT user_id) AS value",
    'FROM sessions',
    'WHERE started_at >= {{start}} AND started_at < {{end}}',
    'GROUP BY 1',
  ].join('\n'),
  clickhouse: [
    'SELECT toStartOfDay(started_at) AS bucket, uniqExact(user_id) AS value',
    'FROM sessions',
    'WHERE started_at >= {{start}} AND started_at < {{end}}',
    'GROUP BY bucket',
  ].join('\n'),
};

/** ClickHouse column types of the demo fact tables, for the pickers (the seed stores Postgres ones). */
const CLICKHOUSE_TYPES: Record<string, string> = {
  order_id: 'Int64',
  created_at: 'DateTime',
  customer_id: 'Int32',
  amount: 'Decimal(10, 2)',
  status: 'String',
  country: 'String',
  channel: 'String',
  session_id: 'Int64',
  started_at: 'DateTime',
  user_id: 'Int32',
  platform: 'String',
  app_version: 'String',
  duration_s: 'Int32',
  converted: 'UInt8',
  deployment_id: 'Int64',
  deployed_at: 'DateTime',
  service: 'String',
  outcome: 'String',
};

/**
 * Points the demo's data source at ClickHouse (with `ch`) or back at the embedded warehouse (without), with
 * the fact-table column types and the SQL metric in that dialect. A switch forgets the collected series, so the
 * next collection reads everything from the new warehouse.
 */
export async function pointDemoAtWarehouse(
  db: Db,
  { ch, progress }: { ch?: DemoClickHouse; progress: Progress },
): Promise<void> {
  const project = await findProjectBySlug(db, DEMO_PROJECT.slug);
  if (!project) return;
  const source = await findDataSourceByName(db, { projectId: project.id, name: DEMO_DATA_SOURCE });
  if (!source) return;
  const dialect = ch ? 'clickhouse' : 'postgres';
  const switched = source.kind !== (ch ? 'clickhouse' : 'embedded');
  if (!ch && !switched) return;
  await updateDataSourceRow(db, {
    projectId: project.id,
    dataSourceId: source.id,
    values: ch
      ? {
          kind: 'clickhouse',
          config: {
            host: ch.host,
            port: ch.port,
            protocol: ch.protocol,
            database: ch.database,
            user: ch.user,
          },
          secrets: {
            password: encryptSecret(getKeyring(), {
              dataSourceId: source.id,
              field: 'password',
              plaintext: ch.password,
            }),
          },
        }
      : {
          kind: 'embedded',
          config: { description: 'Synthetic shop data generated on this machine' },
          secrets: {},
        },
  });
  if (!switched) return;
  for (const spec of DEMO_FACT_TABLES) {
    const table = await findFactTableByName(db, { projectId: project.id, name: spec.name });
    if (!table) continue;
    const columns = spec.columns.map((c) =>
      ch
        ? {
            ...c,
            nativeType: CLICKHOUSE_TYPES[c.name] ?? c.nativeType,
            ...(c.type === 'boolean' ? { type: 'number' as const } : {}),
          }
        : c,
    );
    await updateFactTableRow(db, { projectId: project.id, factTableId: table.id, values: { columns } });
  }
  const dau = await findMetricByName(db, { projectId: project.id, name: DAU_METRIC });
  if (dau && dau.definition.kind === 'sql') {
    await db
      .update(metrics)
      .set({ definition: { ...dau.definition, sql: DAU_SQL[dialect] } })
      .where(and(eq(metrics.projectId, project.id), eq(metrics.id, dau.id)));
  }
  const reset = await resetCollection(db, { projectId: project.id });
  progress(
    `The demo data source now reads ${ch ? 'ClickHouse' : 'the embedded warehouse'}; ${reset} metrics will be collected again.`,
  );
}
