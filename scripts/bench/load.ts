// Load benchmark of the running app: `npm run bench -- load [--smoke] [--duration S] [--connections C] [--metrics M]
// [--workers W]`.
//
// Builds the app when its sources changed (scripts/build-if-stale.ts: run it under the same lock as anything else
// that builds), migrates a scratch app database on the Postgres server and seeds it like the read benchmark (one
// project, M hourly metrics, the first with a year of values), adds a viewer API token and a signed-in viewer,
// starts the app as deployed — `next start` in W workers on one port (WEB_CONCURRENCY, one per core by default;
// scripts/serve.ts) — on a free loopback port and drives it with autocannon, for S seconds with C connections
// each (30 s and 50 by default; --smoke: 5 s, 10), after an untimed warm-up:
//   health          GET /api/health: the baseline, one database query through the framework
//   series          GET /api/v1/projects/{slug}/metrics/{id}/series?range=30d with `Authorization: Bearer sl_…`
//                   (the same series again and again, as a dashboard of pollers reads it: answered from the cache)
//   series-uncached the same, with a different moving-average window each request, so every answer is built
//   catalog         GET /p/{slug}/metrics with the session cookie of a credentials sign-in
// and prints requests/s, latency p50 / p97.5 / p99, non-2xx answers and errors per target, each target's
// throughput as a ratio of the baseline's, and the series target: ≥ 500 req/s at saturation, and p99 ≤ 100 ms with
// no errors when the series is offered 500 requests a second (autocannon's overallRate) for S seconds.
// Progress goes to stderr, one JSON object to stdout after the server's own start-up lines. Exits 1 on any 5xx,
// socket error or timeout, and on any other non-2xx answer (the run did not measure the page); a missed target
// alone does not fail. Connects to DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; the scratch
// database is dropped at the end. Requests go to 127.0.0.1 only.
import './server-only';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import postgres from 'postgres';
import { openDb, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { apiTokens } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { upsertMembership, upsertUser } from '@/lib/projects/queries';
import { generateApiToken, hashApiToken, tokenPrefixOf } from '@/lib/tokens/secret';
import { buildIfStale } from '../build-if-stale';
import { serve } from '../serve';
import { positiveFlag } from './flags';
import { seed } from './read';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const HOST = '127.0.0.1';
const TARGET = { seriesRps: 500, seriesP99Ms: 100 };
const VIEWER = { email: 'load-viewer@example.com', password: randomBytes(18).toString('base64url') };

type Flags = {
  smoke: boolean;
  duration: number;
  connections: number;
  metrics: number;
  warmup: number;
  workers: number;
};

function parseFlags(args: string[]): Flags {
  const smoke = args.includes('--smoke');
  const read = (name: string, fallback: number) => positiveFlag(args, name, fallback);
  return {
    smoke,
    duration: read('duration', smoke ? 5 : 30),
    connections: read('connections', smoke ? 10 : 50),
    metrics: read('metrics', smoke ? 100 : 1_000),
    warmup: smoke ? 2 : 5,
    workers: read('workers', os.cpus().length),
  };
}

/** The part of autocannon's result this benchmark reads (the package ships no types). */
type Histogram = { average: number; p50: number; p97_5: number; p99: number; max: number };
type AutocannonResult = {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
};
type Target = {
  url: string;
  headers: Record<string, string>;
  /** Rewrites each request's path before it is sent (autocannon's setupRequest). */
  requests?: { setupRequest: (request: { path: string }) => { path: string } }[];
};
type Autocannon = (
  opts: Target & { connections: number; duration: number; timeout: number; overallRate?: number },
) => Promise<AutocannonResult>;
/** Seconds before autocannon gives up on a request: long, so a slow answer is measured as latency, not an error. */
const REQUEST_TIMEOUT_S = 60;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const note = (message: string) => console.error(`[load bench] ${message}`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function withDatabase(url: URL, database: string): URL {
  const copy = new URL(url);
  copy.pathname = `/${database}`;
  return copy;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export async function main(args: string[]): Promise<void> {
  const flags = parseFlags(args);
  const serverUrl = new URL(process.env.DATABASE_URL || DEFAULT_URL);
  const appName = `sightline_bench_${randomBytes(4).toString('hex')}_load`;
  const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
  let app: DbHandle | null = null;
  let server: ChildProcess | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopServer(server);
      await app?.close().catch(() => {});
      await admin.unsafe(`drop database if exists ${appName} with (force)`).catch((error: unknown) => {
        note(`could not drop ${appName}: ${String(error)}`);
      });
      await admin.end({ timeout: 5 });
    })());
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await buildIfStale({ log: note });
    note(`migrating and seeding ${appName} (${flags.metrics} metrics)`);
    await admin.unsafe(`create database ${appName}`);
    const databaseUrl = withDatabase(serverUrl, appName).toString();
    app = await openDb({ databaseUrl, applicationName: 'sightline-bench' });
    await migrateDb(app);
    const { ctx, seriesMetricId } = await seed(app.db, flags.metrics);
    const slug = ctx.project.slug;
    const token = generateApiToken();
    await app.db.insert(apiTokens).values({
      projectId: ctx.project.id,
      name: 'load benchmark',
      role: 'viewer',
      tokenHash: hashApiToken(token),
      tokenPrefix: tokenPrefixOf(token),
    });
    const viewer = await upsertUser(app.db, {
      email: VIEWER.email,
      name: 'Load Viewer',
      passwordHash: await hashPassword(VIEWER.password),
    });
    await upsertMembership(app.db, { projectId: ctx.project.id, userId: viewer.id, role: 'viewer' });
    await app.close();
    app = null;

    const port = await freePort();
    const origin = `http://${HOST}:${port}`;
    note(`starting the app on ${origin} (${flags.workers} worker${flags.workers === 1 ? '' : 's'})`);
    const signalHandlers = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const started = await serve({
      port,
      host: HOST,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        AUTH_SECRET: randomBytes(32).toString('base64'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        CRON_SECRET: randomBytes(32).toString('base64url'),
        APP_URL: origin,
        NEXTAUTH_URL: origin,
        // Nothing to collect, and one token may make every request of the run: the limiter still counts each.
        COLLECT_EVERY_SECONDS: '0',
        API_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'warn',
        WEB_CONCURRENCY: String(flags.workers),
      },
    });
    server = started.child;
    // serve() ends this process when the server exits or a signal comes; this benchmark stops the server itself
    // and drops its database first.
    server.removeAllListeners('exit');
    started.exited.catch(() => {});
    for (const [signal, before] of Object.entries(signalHandlers)) {
      for (const listener of process.listeners(signal as NodeJS.Signals)) {
        if (!before.includes(listener)) process.off(signal as NodeJS.Signals, listener);
      }
    }

    const seriesUrl = `${origin}/api/v1/projects/${slug}/metrics/${seriesMetricId}/series?range=30d`;
    const bearer = { authorization: `Bearer ${token}` };
    let maWindow = 0;
    const targets: Record<string, Target> = {
      health: { url: `${origin}/api/health`, headers: {} },
      series: { url: seriesUrl, headers: bearer },
      'series-uncached': {
        url: seriesUrl,
        headers: bearer,
        // 2…999-bucket moving averages: each answer has a key of its own until the windows come round again.
        requests: [
          {
            setupRequest: (request) => ({ ...request, path: `${request.path}&ma=${2 + (maWindow++ % 998)}` }),
          },
        ],
      },
      catalog: { url: `${origin}/p/${slug}/metrics`, headers: { cookie: await signIn(origin) } },
    };
    await checkOnce('series', targets.series as Target, async (response) => {
      const body = (await response.json()) as { points?: unknown[] };
      if (!Array.isArray(body.points) || body.points.length < 24 * 29)
        throw new Error(`the series answered ${body.points?.length ?? 'no'} points for 30 days`);
    });
    await checkOnce('catalog', targets.catalog as Target, async (response) => {
      const html = await response.text();
      if (!html.includes('metric 0000')) throw new Error('the catalog page does not list the seeded metrics');
    });

    const loadAtStart = os.loadavg()[0] as number;
    const results: Record<string, ReturnType<typeof summarize>> = {};
    const cpu = cpuMeter(admin, appName, server.pid);
    for (const [name, target] of Object.entries(targets)) {
      const run = (duration: number) =>
        autocannon({ ...target, connections: flags.connections, duration, timeout: REQUEST_TIMEOUT_S });
      await run(flags.warmup);
      note(`${name}: ${flags.connections} connections for ${flags.duration} s`);
      const before = await cpu.read();
      const result = await run(flags.duration);
      results[name] = summarize(result, cpu.since(before, await cpu.read()));
      note(`  ${describe(results[name])}`);
    }
    const baseline = (results.health as ReturnType<typeof summarize>).requestsPerSecond;
    const ratios = Object.fromEntries(
      Object.entries(results).map(([name, r]) => [name, round(r.requestsPerSecond / baseline, 2)]),
    );
    note(
      `throughput against the health baseline: ${Object.entries(ratios)
        .map(([name, ratio]) => `${name} ${ratio}×`)
        .join(', ')}`,
    );
    // The target at its own rate: the series offered exactly TARGET.seriesRps requests a second, so the latency
    // measured is the latency at that load (at full saturation it is only queueing: connections ÷ throughput).
    const paced = `series @ ${TARGET.seriesRps}/s`;
    note(`${paced}: ${flags.connections} connections for ${flags.duration} s`);
    const before = await cpu.read();
    const pacedResult = await autocannon({
      ...(targets.series as Target),
      connections: flags.connections,
      duration: flags.duration,
      timeout: REQUEST_TIMEOUT_S,
      overallRate: TARGET.seriesRps,
    });
    results[paced] = summarize(pacedResult, cpu.since(before, await cpu.read()));
    note(`  ${describe(results[paced])}`);

    const capacity = results.series as ReturnType<typeof summarize>;
    const atTarget = results[paced] as ReturnType<typeof summarize>;
    const met =
      capacity.requestsPerSecond >= TARGET.seriesRps &&
      atTarget.latencyMs.p99 <= TARGET.seriesP99Ms &&
      [capacity, atTarget].every((r) => r.errors === 0 && r.non2xx === 0);
    note(
      `series target (≥ ${TARGET.seriesRps} req/s, p99 ≤ ${TARGET.seriesP99Ms} ms at that rate, no errors): ` +
        `${capacity.requestsPerSecond} req/s at saturation, p99 ${atTarget.latencyMs.p99} ms at ` +
        `${atTarget.requestsPerSecond} req/s — ${met ? 'met' : 'MISSED'}`,
    );
    const failed = Object.entries(results).filter(([, r]) => r.non2xx > 0 || r.errors > 0);
    console.log(
      JSON.stringify(
        {
          benchmark: 'load',
          smoke: flags.smoke,
          metrics: flags.metrics,
          durationSeconds: flags.duration,
          connections: flags.connections,
          workers: flags.workers,
          results,
          throughputVsHealth: ratios,
          target: { ...TARGET, met },
          machine: {
            cpu: os.cpus()[0]?.model ?? 'unknown',
            cores: os.cpus().length,
            memGiB: round(os.totalmem() / 2 ** 30),
            os: `${os.type()} ${os.release()}`,
            node: process.version,
            load: [round(loadAtStart, 2), round(os.loadavg()[0] as number, 2)],
          },
        },
        null,
        2,
      ),
    );
    if (failed.length > 0) {
      note(`errors or non-2xx answers on: ${failed.map(([name]) => name).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function summarize(result: AutocannonResult, cpuMs: { server: number; database: number | null } | null) {
  const perRequest = (ms: number | null) =>
    ms !== null && result.requests.total > 0 ? round(ms / result.requests.total, 2) : null;
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    status5xx: result['5xx'],
    /** Socket errors and timeouts. */
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
    /** CPU time per request of the app server's processes and of the app database's backends (Linux only). */
    cpuMsPerRequest: cpuMs
      ? { server: perRequest(cpuMs.server), database: perRequest(cpuMs.database) }
      : null,
  };
}

function describe(r: ReturnType<typeof summarize>): string {
  return (
    `${r.requestsPerSecond} req/s (${r.requests} requests), latency p50 ${r.latencyMs.p50} ms, ` +
    `p97.5 ${r.latencyMs.p97_5} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms; ` +
    `non-2xx ${r.non2xx} (5xx ${r.status5xx}), errors ${r.errors}` +
    (r.cpuMsPerRequest
      ? `; CPU per request: server ${r.cpuMsPerRequest.server} ms, database ${r.cpuMsPerRequest.database} ms`
      : '')
  );
}

/** One request before the load: the target must answer 200 with what a reader would see. */
async function checkOnce(
  name: string,
  target: { url: string; headers: Record<string, string> },
  check: (response: Response) => Promise<void>,
): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
  if (response.status !== 200) throw new Error(`${name}: ${target.url} answered ${response.status}`);
  await check(response);
}

/** Signs the viewer in through next-auth's credentials flow, as the sign-in page does; returns the Cookie header. */
async function signIn(origin: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = (pair ?? '').indexOf('=');
      if (at > 0) jar.set((pair as string).slice(0, at), (pair as string).slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${origin}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie(), origin },
    body: new URLSearchParams({
      csrfToken,
      email: VIEWER.email,
      password: VIEWER.password,
      json: 'true',
      callbackUrl: `${origin}/`,
    }).toString(),
  });
  keep(response);
  const session = [...jar.keys()].find((k) => k.endsWith('next-auth.session-token'));
  if (!session) throw new Error(`signing in failed: ${response.status} ${await response.text()}`);
  return `${session}=${jar.get(session)}`;
}

/**
 * CPU time (user + system) of the server's process tree and of every backend connected to the app database, from
 * /proc; null where there is no /proc, and the database's share null when its server is not on this machine.
 * Backends that connect during a run count from zero.
 */
function cpuMeter(admin: postgres.Sql, database: string, serverPid: number | undefined) {
  const hasProc = os.platform() === 'linux' && serverPid !== undefined;
  let ticksPerSecond = 100;
  try {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    // keep the usual 100
  }
  const stat = (pid: number) => {
    try {
      // The command name may contain spaces: fields are counted after its closing parenthesis.
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return null;
    }
  };
  const treeTicks = (root: number) => {
    const children = new Map<number, number[]>();
    const ticks = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const s = stat(pid);
      if (!s) continue;
      ticks.set(pid, s.ticks);
      children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
    }
    let total = 0;
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      total += ticks.get(pid) ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    return total;
  };
  type Reading = { server: number; backends: Map<number, number> } | null;
  return {
    async read(): Promise<Reading> {
      if (!hasProc) return null;
      const rows = await admin<
        { pid: number }[]
      >`select pid from pg_stat_activity where datname = ${database}`;
      const backends = new Map<number, number>();
      for (const { pid } of rows) {
        const ticks = stat(pid)?.ticks;
        if (ticks !== undefined) backends.set(pid, ticks);
      }
      return { server: treeTicks(serverPid as number), backends };
    },
    since(before: Reading, after: Reading): { server: number; database: number | null } | null {
      if (!before || !after) return null;
      let database = 0;
      for (const [pid, ticks] of after.backends) database += ticks - (before.backends.get(pid) ?? 0);
      const ms = (ticks: number) => (ticks * 1000) / ticksPerSecond;
      return {
        server: ms(after.server - before.server),
        database: after.backends.size > 0 ? ms(database) : null,
      };
    },
  };
}

async function stopServer(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
