import { describe, expect, it } from 'vitest';
import { EnvError, EXAMPLE_SECRET_VALUES, parseEnv } from '@/lib/env';

const strong = {
  AUTH_SECRET: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u',
  ENCRYPTION_KEY: 'cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJz',
  CRON_SECRET: 'a-cron-secret-that-is-long-enough-123',
};

function problems(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe('environment checks', () => {
  it('needs nothing in development: the embedded database and fixed dev secrets work', () => {
    expect(problems({})).toEqual([]);
    expect(parseEnv({}).DATABASE_URL).toBeUndefined();
  });

  it('accepts strong secrets in production', () => {
    expect(problems({ NODE_ENV: 'production', ...strong })).toEqual([]);
  });

  it.each(['AUTH_SECRET', 'ENCRYPTION_KEY', 'CRON_SECRET'] as const)(
    'stops production start-up when %s is missing',
    (name) => {
      const found = problems({ NODE_ENV: 'production', ...strong, [name]: undefined });
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(`${name} is not set`);
      expect(found[0]).toContain('openssl rand');
    },
  );

  it.each(['AUTH_SECRET', 'ENCRYPTION_KEY', 'CRON_SECRET'] as const)(
    'stops production start-up when %s is too short',
    (name) => {
      expect(problems({ NODE_ENV: 'production', ...strong, [name]: 'short-secret' })[0]).toContain(
        `${name} is too short`,
      );
    },
  );

  it('refuses the example values published in .env.example', () => {
    for (const example of EXAMPLE_SECRET_VALUES) {
      expect(problems({ NODE_ENV: 'production', ...strong, AUTH_SECRET: example })[0]).toContain(
        'example value',
      );
    }
  });

  it('counts decoded bytes, so 32 hex characters are only 16 bytes', () => {
    expect(problems({ NODE_ENV: 'production', ...strong, ENCRYPTION_KEY: 'ab'.repeat(16) })[0]).toContain(
      'too short',
    );
    expect(problems({ NODE_ENV: 'production', ...strong, ENCRYPTION_KEY: 'ab'.repeat(32) })).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(problems({ NODE_ENV: 'production' })).toHaveLength(3);
  });

  it('rejects a DATABASE_URL that is not a postgres URL and treats an empty one as unset', () => {
    expect(problems({ DATABASE_URL: 'mysql://x' })[0]).toContain('DATABASE_URL');
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('WEB_CONCURRENCY', () => {
  const prod = { NODE_ENV: 'production', ...strong };

  it('runs one server process unless told otherwise', () => {
    expect(parseEnv(prod).WEB_CONCURRENCY).toBe(1);
  });

  it('runs several only against a Postgres server: the embedded database belongs to one process', () => {
    const database = { DATABASE_URL: 'postgres://app@db:5432/sightline' };
    expect(parseEnv({ ...prod, ...database, WEB_CONCURRENCY: '4' }).WEB_CONCURRENCY).toBe(4);
    expect(problems({ ...prod, WEB_CONCURRENCY: '4' })).toEqual([
      expect.stringMatching(
        /^WEB_CONCURRENCY is 4, but the embedded database serves one process: set DATABASE_URL/,
      ),
    ]);
  });

  it.each(['0', '-2', '1.5', 'many', '65'])('refuses %s, naming the setting', (value) => {
    expect(problems({ WEB_CONCURRENCY: value })).toEqual([expect.stringMatching(/^WEB_CONCURRENCY: /)]);
  });
});

describe('.env.example', () => {
  it('publishes only secrets that production refuses', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile('.env.example', 'utf8');
    for (const name of ['AUTH_SECRET', 'ENCRYPTION_KEY', 'CRON_SECRET']) {
      const value = new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1] ?? '';
      expect(EXAMPLE_SECRET_VALUES.has(value), `${name} in .env.example`).toBe(true);
    }
  });
});
