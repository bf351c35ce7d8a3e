/** Production start-up, as an operator runs it: `npm run start -- --check` must refuse weak configuration. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

const strong = {
  AUTH_SECRET: randomBytes(32).toString('base64'),
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  CRON_SECRET: randomBytes(32).toString('hex'),
};

function boot(env: Record<string, string | undefined>) {
  const result = spawnSync(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', 'scripts/start.ts', '--check'],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('production start-up', () => {
  it('starts with strong secrets', () => {
    const { code, output } = boot(strong);
    expect(output).toContain('Environment OK.');
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    ['a missing AUTH_SECRET', { AUTH_SECRET: undefined }, 'AUTH_SECRET is not set'],
    ['a short CRON_SECRET', { CRON_SECRET: 'short' }, 'CRON_SECRET is too short'],
    [
      'the example ENCRYPTION_KEY',
      { ENCRYPTION_KEY: 'change-me-to-32-random-bytes-base64-encoded-key-xx' },
      'example value',
    ],
    [
      'an encryption key of the wrong length',
      { ENCRYPTION_KEY: randomBytes(48).toString('base64') },
      'ENCRYPTION_KEY',
    ],
  ])(
    'refuses %s and says what to set',
    (_case, override, message) => {
      const { code, output } = boot({ ...strong, ...override });
      expect(code).toBe(1);
      expect(output).toContain(message);
    },
    60_000,
  );
});
