/**
 * Secrets for a local install: generated once under DATA_DIR and reused, so sessions and encrypted credentials
 * survive restarts. Anything set in the environment wins.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const NAMES = ['AUTH_SECRET', 'ENCRYPTION_KEY', 'CRON_SECRET'] as const;
type Secrets = Record<(typeof NAMES)[number], string>;

export async function loadOrCreateLocalSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch {
    // first run: nothing stored yet
  }
  const secrets = Object.fromEntries(
    NAMES.map((name) => [name, process.env[name] || stored[name] || randomBytes(32).toString('base64url')]),
  ) as Secrets;
  if (NAMES.some((name) => stored[name] !== secrets[name] && !process.env[name])) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
