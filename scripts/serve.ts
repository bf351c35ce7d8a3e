import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Starts `next start` and resolves once /api/health answers, or rejects if the server exits first. With
 * WEB_CONCURRENCY above 1 it runs that many `next start` workers on the one port (scripts/next-cluster.mjs).
 */
export async function serve({ port, host, env }: { port: number; host: string; env: NodeJS.ProcessEnv }) {
  const workers = Number(env.WEB_CONCURRENCY ?? 1);
  const startArgs = ['-p', String(port), '-H', host];
  const args =
    Number.isInteger(workers) && workers > 1
      ? [path.join('scripts', 'next-cluster.mjs'), String(workers), ...startArgs]
      : [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'start', ...startArgs];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  forwardSignals(child);
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) =>
      reject(new Error(`The server stopped (exit code ${code}). See the messages above.`)),
    ),
  );
  const healthUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/api/health`;
  await Promise.race([exited, waitForHealth(healthUrl)]);
  return { child, exited };
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The server did not become healthy at ${url} within 2 minutes.`);
}

function forwardSignals(child: ChildProcess) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      child.kill(signal);
      setTimeout(() => process.exit(0), 5000).unref();
    });
  }
  child.on('exit', (code) => process.exit(code ?? 0));
}
