/**
 * Data-source input: structured, strictly typed fields only. There is no connection string and no free-form
 * options field anywhere, because those are how driver options (`options=-c …`, `sslrootcert=…`, ClickHouse
 * settings) get smuggled in. Client-safe: no database, no Node built-ins.
 */
import { z } from 'zod';
import { safeText, textProblem } from '@/lib/text';

export const DATA_SOURCE_INPUT_KINDS = ['postgres', 'clickhouse'] as const;
export const POSTGRES_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export const CLICKHOUSE_PROTOCOLS = ['http', 'https'] as const;
/** Fields stored encrypted in `data_sources.secrets`, never in `config` and never sent to a browser. */
export const SECRET_FIELDS = ['password', 'caPem'] as const;

export const MAX_HOST_LENGTH = 253;
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_CA_PEM_LENGTH = 16 * 1024;

export type PostgresSslMode = (typeof POSTGRES_SSL_MODES)[number];
export type ClickhouseProtocol = (typeof CLICKHOUSE_PROTOCOLS)[number];
export type SecretField = (typeof SECRET_FIELDS)[number];

const FORBIDDEN_OBJECT_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/i;
const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function isCanonicalIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255);
}

/** A plain IPv6 literal (no brackets, no zone id); an embedded dotted IPv4 tail counts as two groups. */
function isIpv6Literal(text: string): boolean {
  let groups = text;
  const tailStart = text.lastIndexOf(':') + 1;
  if (text.slice(tailStart).includes('.')) {
    if (!isCanonicalIpv4(text.slice(tailStart))) return false;
    groups = `${text.slice(0, tailStart)}0:0`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const split = (half: string) => (half === '' ? [] : half.split(':'));
  if (halves.length === 1) {
    const all = split(groups);
    return all.length === 8 && all.every((g) => HEX_GROUP.test(g));
  }
  const [left, right] = [split(halves[0] ?? ''), split(halves[1] ?? '')];
  return left.length + right.length <= 7 && [...left, ...right].every((g) => HEX_GROUP.test(g));
}

/**
 * Why a host is not a plain DNS name or IP literal, or null. Paths, URLs, user@host, query strings, options
 * and numeric IPv4 spellings other than a.b.c.d are all refused here, before the outbound guard sees them.
 */
export function findHostProblem(host: string): string | null {
  if (host === '') return 'Host is required.';
  const text = textProblem(host);
  if (text) return `Host ${text}.`;
  if (host.length > MAX_HOST_LENGTH) return `Host must be at most ${MAX_HOST_LENGTH} characters.`;
  if (/\s/.test(host)) return 'Host must not contain spaces.';
  if (host.startsWith('/')) {
    return 'Host must be a network host name or IP address; Unix socket paths are not supported.';
  }
  if (host.includes('://')) return 'Enter only the host name, not a URL or connection string.';
  if (/[/@?=&#%\\,;'"[\]]/.test(host)) {
    return 'Host must be only a host name or IP address; user, port and TLS settings have their own fields.';
  }
  if (host.startsWith('-')) return 'Host must not start with "-".';
  if (host.includes(':')) {
    return isIpv6Literal(host) ? null : 'Host is not a valid IPv6 address; the port goes in the Port field.';
  }
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  // A numeric last label makes resolvers read the whole name as an IPv4 address (2130706433, 0x7f.1).
  if (NUMERIC_LABEL.test(labels.at(-1) ?? '')) {
    return isCanonicalIpv4(host) ? null : 'Write an IPv4 address as four decimal numbers, like 10.0.0.5.';
  }
  if (!/^[\x21-\x7e]+$/.test(host)) {
    return 'Host must be ASCII; write international names as punycode (xn--…).';
  }
  if (!labels.every((label) => DNS_LABEL.test(label))) return 'Host is not a valid host name.';
  return null;
}

/** Why a CA field is not one or more PEM certificate blocks, or null. */
export function findPemProblem(pem: string): string | null {
  const text = textProblem(pem);
  if (text) return `CA certificate ${text}.`;
  if (pem.includes('PRIVATE KEY')) {
    return 'CA certificate must be a certificate, not a private key; paste the BEGIN CERTIFICATE block.';
  }
  const lines = pem.split(/\r?\n/).map((line) => line.trim());
  let inBlock = false;
  let blocks = 0;
  let bodyLines = 0;
  for (const line of lines) {
    if (!inBlock) {
      if (line === '') continue;
      if (line !== '-----BEGIN CERTIFICATE-----') {
        return 'CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----.';
      }
      inBlock = true;
      bodyLines = 0;
    } else if (line === '-----END CERTIFICATE-----') {
      if (bodyLines === 0) return 'CA certificate block is empty.';
      inBlock = false;
      blocks += 1;
    } else if (/^[A-Za-z0-9+/]{1,128}={0,2}$/.test(line)) {
      bodyLines += 1;
    } else {
      return 'CA certificate contains a line that is not base64 PEM text.';
    }
  }
  if (inBlock) return 'CA certificate must end with -----END CERTIFICATE-----.';
  return blocks === 0 ? 'CA certificate must contain a BEGIN CERTIFICATE block.' : null;
}

/** Why a value is not plain JSON-shaped data (own keys only, no prototype tricks), or null. */
function findObjectShapeProblem(value: unknown, depth = 0): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > 8) return 'Input is nested too deeply.';
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return 'Input must be a plain object.';
  }
  for (const key of Object.keys(value)) {
    // zod reads inherited properties and JSON.parse makes `__proto__` an own key: refuse both by name.
    if (FORBIDDEN_OBJECT_KEYS.has(key)) return `Input must not contain the key "${key}".`;
    const problem = findObjectShapeProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

const hostSchema = z.string({ error: 'Host must be text.' }).superRefine((host, ctx) => {
  const problem = findHostProblem(host);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const portSchema = (fallback: number) =>
  z
    .number({ error: 'Port must be a number.' })
    .int('Port must be a whole number.')
    .min(1, 'Port must be between 1 and 65535.')
    .max(65535, 'Port must be between 1 and 65535.')
    .default(fallback);

/** Database and user names: passed to drivers as separate fields, but kept free of URL and option syntax. */
const identitySchema = (label: string, allowAt: boolean) =>
  safeText({ label, max: 128, min: 1 }).superRefine((value, ctx) => {
    const allowed = allowAt ? /^[\p{L}\p{N}_.$@-]+$/u : /^[\p{L}\p{N}_.$-]+$/u;
    if (value !== '' && (!allowed.test(value) || value.startsWith('-'))) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} may use letters, digits and ${allowAt ? '_ . $ @ -' : '_ . $ -'} (no leading -).`,
      });
    }
  });

/** An empty secret means "unchanged" on edit (the form never receives the stored value to send back). */
const secretText = (schema: z.ZodType<string>) =>
  schema.optional().transform((value) => (value === '' ? undefined : value));

const passwordSchema = secretText(safeText({ label: 'Password', max: MAX_PASSWORD_LENGTH }));

const caPemSchema = secretText(
  z
    .string({ error: 'CA certificate must be text.' })
    .max(MAX_CA_PEM_LENGTH, 'CA certificate must be at most 16 KB.')
    .superRefine((pem, ctx) => {
      const problem = pem === '' ? null : findPemProblem(pem);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
);

const nameSchema = safeText({ label: 'Name', max: 100, min: 1 });

const postgresConnectionFields = {
  host: hostSchema,
  port: portSchema(5432),
  database: identitySchema('Database', false),
  user: identitySchema('User', true),
  sslmode: z
    .enum(POSTGRES_SSL_MODES, 'Pick an SSL mode: disable, require, verify-ca or verify-full.')
    .default('require'),
};

const clickhouseConnectionFields = {
  host: hostSchema,
  port: portSchema(8443),
  protocol: z.enum(CLICKHOUSE_PROTOCOLS, 'Pick a protocol: http or https.').default('https'),
  database: identitySchema('Database', false),
  user: identitySchema('User', true),
};

/** What `data_sources.config` holds per kind; rows are re-parsed through these on read. */
export const postgresConfigSchema = z.object(postgresConnectionFields).strict();
export const clickhouseConfigSchema = z.object(clickhouseConnectionFields).strict();
export const embeddedConfigSchema = z.object({ description: z.string().max(500).optional() }).strict();

export type PostgresConfig = z.infer<typeof postgresConfigSchema>;
export type ClickhouseConfig = z.infer<typeof clickhouseConfigSchema>;
export type EmbeddedConfig = z.infer<typeof embeddedConfigSchema>;

const postgresInputSchema = z
  .object({
    kind: z.literal('postgres'),
    name: nameSchema,
    ...postgresConnectionFields,
    password: passwordSchema,
    caPem: caPemSchema,
  })
  .strict();

const clickhouseInputSchema = z
  .object({
    kind: z.literal('clickhouse'),
    name: nameSchema,
    ...clickhouseConnectionFields,
    password: passwordSchema,
    caPem: caPemSchema,
  })
  .strict();

const dataSourceUnionSchema = z.discriminatedUnion('kind', [postgresInputSchema, clickhouseInputSchema], {
  error: 'Pick a data source type: postgres or clickhouse.',
});

export type DataSourceFormValues = z.input<typeof dataSourceUnionSchema>;

/** The one schema for forms, actions and the API: strict at every level, refusing prototype-shaped input. */
export const dataSourceInputSchema = z.preprocess<
  unknown,
  typeof dataSourceUnionSchema,
  DataSourceFormValues
>((value, ctx) => {
  const problem = findObjectShapeProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  return value;
}, dataSourceUnionSchema);

export type DataSourceInput = z.output<typeof dataSourceInputSchema>;

export type DataSourceWrite =
  | { kind: 'postgres'; name: string; config: PostgresConfig; secrets: Partial<Record<SecretField, string>> }
  | {
      kind: 'clickhouse';
      name: string;
      config: ClickhouseConfig;
      secrets: Partial<Record<SecretField, string>>;
    };

/**
 * Splits parsed input into the row's `config` (plain) and the secrets to encrypt. A secret left out means
 * "keep the stored one" on edit and "none" on create.
 */
export function splitDataSourceInput(input: DataSourceInput): DataSourceWrite {
  const secrets: Partial<Record<SecretField, string>> = {};
  if (input.password !== undefined) secrets.password = input.password;
  if (input.caPem !== undefined) secrets.caPem = input.caPem;
  if (input.kind === 'postgres') {
    const { host, port, database, user, sslmode } = input;
    return { kind: 'postgres', name: input.name, config: { host, port, database, user, sslmode }, secrets };
  }
  const { host, port, protocol, database, user } = input;
  return { kind: 'clickhouse', name: input.name, config: { host, port, protocol, database, user }, secrets };
}

/** The fields of a `data_sources` row this module reads; structural, so it needs no database import. */
export type DataSourceRowLike = {
  id: string;
  name: string;
  kind: 'postgres' | 'clickhouse' | 'embedded';
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  lastTestedAt: Date | null;
  lastTestError: string | null;
  updatedAt: Date;
};

type PublicCommon = {
  id: string;
  name: string;
  /** Whether a secret is stored; the secret itself never leaves the server. */
  passwordSet: boolean;
  caPemSet: boolean;
  lastTestedAt: Date | null;
  lastTestError: string | null;
  updatedAt: Date;
};

export type PublicDataSource = PublicCommon &
  (
    | { kind: 'postgres'; config: PostgresConfig }
    | { kind: 'clickhouse'; config: ClickhouseConfig }
    | { kind: 'embedded'; config: EmbeddedConfig }
  );

function parseStoredConfig<S extends z.ZodType>(schema: S, row: DataSourceRowLike): z.output<S> {
  const parsed = schema.safeParse(row.config);
  // Fail loudly on a bad row, without echoing the stored config into the message.
  if (!parsed.success) {
    throw new Error(`Data source ${row.id} has a stored config that does not match its kind.`);
  }
  return parsed.data;
}

const hasSecret = (row: DataSourceRowLike, field: SecretField) =>
  Object.hasOwn(row.secrets, field) && typeof row.secrets[field] === 'string' && row.secrets[field] !== '';

/** The client-facing view of a row: fields listed one by one, so nothing from `secrets` can ride along. */
export function toPublicDataSource(row: DataSourceRowLike): PublicDataSource {
  const common: PublicCommon = {
    id: row.id,
    name: row.name,
    passwordSet: hasSecret(row, 'password'),
    caPemSet: hasSecret(row, 'caPem'),
    lastTestedAt: row.lastTestedAt,
    lastTestError: row.lastTestError,
    updatedAt: row.updatedAt,
  };
  switch (row.kind) {
    case 'postgres':
      return { ...common, kind: 'postgres', config: parseStoredConfig(postgresConfigSchema, row) };
    case 'clickhouse':
      return { ...common, kind: 'clickhouse', config: parseStoredConfig(clickhouseConfigSchema, row) };
    case 'embedded':
      return { ...common, kind: 'embedded', config: parseStoredConfig(embeddedConfigSchema, row) };
    default: {
      const never: never = row.kind;
      throw new Error(`Unknown data source kind ${String(never)}.`);
    }
  }
}
