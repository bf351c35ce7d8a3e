/**
 * A private clickhouse-server for tests: its own config.xml, users.xml and data, tmp and log directories under a
 * temporary directory, bound to 127.0.0.1 on free ports, started as a child process (never the system service)
 * and stopped afterwards. Debian's package is ClickHouse 18.16; a newer `clickhouse` binary works too.
 *
 * Two users: `default` (no password, full rights) loads test data; `sightline` (a password, a profile that
 * leaves readonly at 0 so Sightline can set its per-query limits) is what the adapter connects as.
 *
 * When no server binary is installed, tests fail with a clear message in CI (CI=true) and are skipped
 * elsewhere: a green CI run must have run them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ClickHouseConnection } from '@/lib/warehouse/clients/clickhouse';

export const READER_USER = 'sightline';
export const READER_PASSWORD = 'reader-pw-for-tests';

export type ClickHouseTestServer = {
  httpPort: number;
  /** Milliseconds from spawn until the server answered /ping. */
  startupMs: number;
  /** Connection of the `sightline` user, for the adapter under test. */
  reader: ClickHouseConnection;
  /** Runs one statement as `default` (full rights): DDL and inserts. Returns the response body. */
  exec: (sql: string, settings?: Record<string, string>) => Promise<string>;
  /** Inserts rows as JSONEachRow into a table. */
  insert: (table: string, rows: readonly Record<string, unknown>[]) => Promise<void>;
  stop: () => Promise<void>;
};

/** The server command, or null: `clickhouse-server`, or the single `clickhouse` binary (`clickhouse server`). */
export function findClickHouseServer(): { command: string; args: string[] } | null {
  const search = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ];
  for (const dir of search) {
    if (dir && existsSync(path.join(dir, 'clickhouse-server'))) {
      return { command: path.join(dir, 'clickhouse-server'), args: [] };
    }
  }
  for (const dir of search) {
    if (dir && existsSync(path.join(dir, 'clickhouse'))) {
      return { command: path.join(dir, 'clickhouse'), args: ['server'] };
    }
  }
  return null;
}

export const CLICKHOUSE_MISSING =
  'clickhouse-server is not installed: install it with `apt-get install -y clickhouse-server clickhouse-client` ' +
  '(.ci/run does this in CI). Outside CI the ClickHouse tests are skipped without it.';

/**
 * Whether this run has a ClickHouse server binary. In CI a missing binary throws, so the file fails loudly
 * instead of passing with every test skipped.
 */
export function clickHouseAvailable(): boolean {
  if (findClickHouseServer()) return true;
  if (process.env.CI === 'true') throw new Error(CLICKHOUSE_MISSING);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, httpPort: number, tcpPort: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/server.log</log>
    <errorlog>${dir}/log/error.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

function usersXml(): string {
  const user = (name: string, password: string, profile: string) => `
    <${name}>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>${profile}</profile>
      <quota>default</quota>
    </${name}>`;
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
    </default>
    <reader>
      <max_memory_usage>4000000000</max_memory_usage>
    </reader>
  </profiles>
  <users>${user('default', '', 'default')}${user(READER_USER, READER_PASSWORD, 'reader')}
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error('clickhouse-server exited while starting');
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`clickhouse-server did not answer on port ${port} within ${timeoutMs} ms`);
}

/** Starts a private server; the caller must stop() it (a process exit kills it too). */
export async function startClickHouse(): Promise<ClickHouseTestServer> {
  const binary = findClickHouseServer();
  if (!binary) throw new Error(CLICKHOUSE_MISSING);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-ch-'));
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const httpPort = await freePort();
  let tcpPort = await freePort();
  while (tcpPort === httpPort) tcpPort = await freePort();
  await writeFile(path.join(dir, 'config.xml'), configXml(dir, httpPort, tcpPort));
  await writeFile(path.join(dir, 'users.xml'), usersXml());

  const out = openSync(path.join(dir, 'log', 'stdout.log'), 'a');
  const started = performance.now();
  const child = spawn(binary.command, [...binary.args, `--config-file=${path.join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPing(httpPort, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    const log = await readFile(path.join(dir, 'log', 'stdout.log'), 'utf8').catch(() => '');
    const errors = await readFile(path.join(dir, 'log', 'error.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${log.slice(-2000)}\n${errors.slice(-2000)}`);
  }
  const startupMs = Math.round(performance.now() - started);

  // A new connection per statement: the server drops idle keep-alive connections after 3 seconds.
  const exec = (sql: string, settings: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const query = new URLSearchParams(settings).toString();
      const request = http.request(
        { host: '127.0.0.1', port: httpPort, method: 'POST', path: `/?${query}`, agent: false },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            (response.statusCode ?? 500) < 300
              ? resolve(body)
              : reject(new Error(`ClickHouse refused ${sql.slice(0, 200)}: ${body}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(sql);
    });

  return {
    httpPort,
    startupMs,
    reader: {
      protocol: 'http',
      host: '127.0.0.1',
      port: httpPort,
      database: 'default',
      user: READER_USER,
      password: READER_PASSWORD,
    },
    exec,
    insert: async (table, rows) => {
      const body = rows.map((row) => JSON.stringify(row)).join('\n');
      await exec(`INSERT INTO ${table} FORMAT JSONEachRow\n${body}`);
    },
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
