/**
 * The only reader of process.env. Every setting has a default that works for the embedded demo; in production the
 * secrets must be set, long enough, and not copied from .env.example, or start-up stops with what to set.
 */
import { z } from 'zod';

/** Values published in .env.example: accepting them in production would make every install share a secret. */
export const EXAMPLE_SECRET_VALUES = new Set([
  'change-me-to-32-random-bytes-base64-encoded-please',
  'change-me-to-a-long-random-cron-secret-of-32-chars',
  'change-me-to-32-random-bytes-base64-encoded-key-xx',
]);

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  AUTH_SECRET: optionalString,
  ENCRYPTION_KEY: optionalString,
  /** Older decrypt-only keys, comma-separated `id:key` pairs, kept until rotation re-encrypts everything. */
  ENCRYPTION_KEYS: optionalString,
  CRON_SECRET: optionalString,
  APP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  OIDC_ISSUER: z.preprocess(emptyAsUndefined, z.url().optional()),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: z.preprocess(emptyAsUndefined, z.string().default('Single sign-on')),
  /** Host names or CIDR ranges data sources and webhooks may reach although they are private or loopback. */
  ALLOWED_OUTBOUND_HOSTS: optionalString,
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  /**
   * Seconds between the server's own collection ticks; 0 turns the in-process scheduler off (when an external
   * cron calls /api/cron/collect instead, e.g. on Vercel).
   */
  COLLECT_EVERY_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(86_400).default(60),
  ),
  /** Time budget of one collection tick; what does not fit is left for the next tick. */
  COLLECT_BUDGET_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(3_600).default(50),
  ),
  /** Sign-in attempts allowed per email and per client address in one minute. */
  LOGIN_RATE_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(10)),
  /** SQL previews (fact-table preview, "Preview series") allowed per user in one minute. */
  PREVIEW_RATE_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(30)),
  /**
   * Bearer token that /api/metrics requires; without it the endpoint accepts CRON_SECRET, and with neither it is
   * off (docs/operations.md).
   */
  METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** Days finished collection runs are kept; the scheduled tick deletes older ones (docs/operations.md). */
  RETENTION_RUNS_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  /** Days resolved anomalies are kept after they resolved. */
  RETENTION_RESOLVED_ANOMALIES_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(3650).default(180),
  ),
  /** Days delivered or failed alert deliveries (and their attempts) are kept. */
  RETENTION_DELIVERIES_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(3650).default(30),
  ),
  /** REST API requests allowed per token in one minute; 0 turns the limit off. */
  API_RATE_LIMIT_PER_MINUTE: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(1_000_000).default(600),
  ),
  /**
   * Server processes `npm run start` runs on one port (node:cluster), one per core is usual. More than one needs
   * DATABASE_URL: the embedded database belongs to one process.
   */
  WEB_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(1)),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Sightline cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

function byteLength(secret: string): number {
  // A base64 or hex secret carries fewer random bytes than characters; count what it decodes to when it is one.
  if (/^[0-9a-f]+$/i.test(secret) && secret.length % 2 === 0) return secret.length / 2;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(secret)) return Math.floor((secret.replace(/=+$/, '').length * 3) / 4);
  return Buffer.byteLength(secret);
}

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const secrets: [keyof Env, string, (v: string) => boolean, string][] = [
    ['AUTH_SECRET', 'signs session cookies', (v) => byteLength(v) >= 32, 'at least 32 random bytes'],
    [
      'ENCRYPTION_KEY',
      'encrypts data-source credentials',
      (v) => byteLength(v) >= 32,
      'at least 32 random bytes',
    ],
    ['CRON_SECRET', 'authorizes /api/cron/collect', (v) => v.length >= 32, 'at least 32 characters'],
  ];
  for (const [name, purpose, longEnough, rule] of secrets) {
    const value = env[name] as string | undefined;
    const hint = `generate one with \`openssl rand -base64 32\``;
    if (!value) problems.push(`${name} is not set (it ${purpose}); ${hint}.`);
    else if (EXAMPLE_SECRET_VALUES.has(value))
      problems.push(`${name} is the example value from .env.example; ${hint}.`);
    else if (!longEnough(value)) problems.push(`${name} is too short: use ${rule}; ${hint}.`);
  }
  if (env.WEB_CONCURRENCY > 1 && !env.DATABASE_URL) {
    problems.push(
      `WEB_CONCURRENCY is ${env.WEB_CONCURRENCY}, but the embedded database serves one process: set DATABASE_URL to a Postgres server, or WEB_CONCURRENCY to 1.`,
    );
  }
  if (env.OIDC_ISSUER && (!env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET)) {
    problems.push('OIDC_ISSUER is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too.');
  }
  return problems;
}

/** Parses and checks an environment; throws EnvError listing every problem at once. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  if (parsed.data.NODE_ENV === 'production') {
    const problems = productionProblems(parsed.data);
    if (problems.length > 0) throw new EnvError(problems);
  }
  return parsed.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Reads process.env again on the next env() call: for tests and scripts that change the environment. */
export function reloadEnv(): void {
  cached = undefined;
}

/** Development fallbacks are fixed and public: fine for a laptop, refused in production by parseEnv. */
export function authSecret(): string {
  return env().AUTH_SECRET ?? 'sightline-development-auth-secret-not-for-production';
}
