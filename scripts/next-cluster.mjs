// `next start` in N worker processes sharing one listening socket (node:cluster): a Node process uses one core,
// so one worker per core serves N times the requests. Usage: node scripts/next-cluster.mjs <workers> <next start
// arguments…>. Workers are stateless (sessions are signed cookies, rate limits and leases live in Postgres); a
// worker that dies is replaced, unless it died within seconds of starting (a broken build or setting), which
// stops the whole server so the failure shows. SIGINT/SIGTERM stop every worker, then this process.
import cluster from 'node:cluster';
import path from 'node:path';

const [count, ...nextArgs] = process.argv.slice(2);
const workers = Number(count);
if (!Number.isInteger(workers) || workers < 1) {
  console.error(`next-cluster: the worker count must be a whole number of at least 1, not "${count}".`);
  process.exit(2);
}
const MIN_LIFETIME_MS = 10_000;

cluster.setupPrimary({
  exec: path.join('node_modules', 'next', 'dist', 'bin', 'next'),
  args: ['start', ...nextArgs],
});

const startedAt = new Map();
let stopping = false;
let exitCode = 0;
const fork = () => {
  const worker = cluster.fork();
  startedAt.set(worker.id, Date.now());
};
for (let i = 0; i < workers; i++) fork();

cluster.on('exit', (worker, code, signal) => {
  const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
  startedAt.delete(worker.id);
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    return;
  }
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  if (lived < MIN_LIFETIME_MS) {
    console.error(`next-cluster: a worker stopped ${lived} ms after starting (${how}); stopping the server.`);
    stop('SIGTERM', 1);
    return;
  }
  console.error(`next-cluster: a worker stopped (${how}); starting another.`);
  fork();
});

function stop(signal, code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  setTimeout(() => process.exit(exitCode), 5000).unref();
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
