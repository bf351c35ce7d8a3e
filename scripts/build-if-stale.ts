/**
 * Builds the app only when the sources changed since the last build: a fingerprint of every file that goes into
 * the build (path, size, mtime) is kept next to the build output.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const INPUTS = [
  'app',
  'components',
  'lib',
  'db',
  'public',
  'next.config.ts',
  'package-lock.json',
  'postcss.config.mjs',
  'tsconfig.json',
  'instrumentation.ts',
];
const FINGERPRINT_FILE = path.join('.next', 'sightline-fingerprint');

async function* walk(entry: string): AsyncGenerator<string> {
  const info = await stat(entry).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) {
    yield `${entry}:${info.size}:${info.mtimeMs}`;
    return;
  }
  for (const child of (await readdir(entry)).sort()) yield* walk(path.join(entry, child));
}

export async function sourceFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) for await (const line of walk(input)) hash.update(line);
  return hash.digest('hex');
}

export async function buildIfStale({ force = false, log }: { force?: boolean; log: (m: string) => void }) {
  const fingerprint = await sourceFingerprint();
  const previous = await readFile(FINGERPRINT_FILE, 'utf8').catch(() => null);
  const built = await stat(path.join('.next', 'BUILD_ID')).catch(() => null);
  if (!force && built && previous === fingerprint) {
    log('The app build is up to date.');
    return;
  }
  log('Building the app (about a minute the first time)…');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
      {
        stdio: 'inherit',
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build exited with code ${code}`)),
    );
  });
  await writeFile(FINGERPRINT_FILE, fingerprint);
}
