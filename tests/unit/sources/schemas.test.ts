/**
 * C1: data-source config is only structured, strictly typed fields; C5: the public view carries no secret.
 */
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '@/lib/errors';
import type { DataSourceRowLike } from '@/lib/sources/schemas';
import {
  dataSourceInputSchema,
  findHostProblem,
  findPemProblem,
  splitDataSourceInput,
  toPublicDataSource,
} from '@/lib/sources/schemas';

const SENTINEL = 'sentinel-password-7f3a9c';
const PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBszCCAVmgAwIBAgIUSGVsbG9TaWdodGxpbmVDQTAwMDAwMDAwCgYIKoZIzj0E',
  'AwIwFzEVMBMGA1UEAwwMU2lnaHRsaW5lIENBMB4XDTI2MDEwMTAwMDAwMFoXDTM2',
  'MDEwMTAwMDAwMFowFzEVMBMGA1UEAwwMU2lnaHRsaW5lIENBMFkwEwYHKoZIzj0C',
  'AQYIKoZIzj0DAQcDQgAE',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

const postgres = {
  kind: 'postgres',
  name: 'Warehouse',
  host: 'db.example.com',
  port: 5432,
  database: 'analytics',
  user: 'sightline_ro',
  password: SENTINEL,
  sslmode: 'verify-full',
  caPem: PEM,
};

const clickhouse = {
  kind: 'clickhouse',
  name: 'Events',
  host: 'ch.example.com',
  database: 'events',
  user: 'sightline',
  password: SENTINEL,
};

const parse = (input: unknown) => dataSourceInputSchema.safeParse(input);
const errorsOf = (input: unknown) => {
  const result = parse(input);
  return result.success ? {} : toFieldErrors(result.error);
};

describe('dataSourceInputSchema accepts normal configs', () => {
  it('parses a Postgres source and fills defaults', () => {
    expect(parse(postgres).success).toBe(true);
    const minimal = dataSourceInputSchema.parse({
      kind: 'postgres',
      name: 'W',
      host: '10.0.0.5',
      database: 'db',
      user: 'u',
    });
    expect(minimal).toMatchObject({ port: 5432, sslmode: 'require' });
    expect(minimal.password).toBeUndefined();
  });

  it('parses a ClickHouse source and fills defaults', () => {
    expect(dataSourceInputSchema.parse(clickhouse)).toMatchObject({ port: 8443, protocol: 'https' });
  });

  it('accepts host names, IPv4 and IPv6 literals, and Azure-style user@server names', () => {
    for (const host of [
      'db',
      'db.internal.',
      'my-db_1.eu-west-1.rds.amazonaws.com',
      '10.0.0.5',
      '::1',
      '2001:db8::1',
    ]) {
      expect(findHostProblem(host), host).toBeNull();
    }
    expect(parse({ ...postgres, user: 'reader@myserver' }).success).toBe(true);
  });

  it('treats an empty password or CA as "unchanged" on edit', () => {
    const parsed = dataSourceInputSchema.parse({ ...postgres, password: '', caPem: '' });
    expect(parsed.password).toBeUndefined();
    expect(parsed.caPem).toBeUndefined();
    expect(splitDataSourceInput(parsed).secrets).toEqual({});
  });
});

describe('dataSourceInputSchema rejects smuggled connection options (C1)', () => {
  it.each([
    ['options', '-c default_transaction_read_only=off'],
    ['sslrootcert', '/etc/passwd'],
    ['sslcert', '/etc/passwd'],
    ['sslkey', '/etc/ssl/private/key.pem'],
    ['application_name', 'x'],
    ['connectionString', 'postgres://u:p@h/db'],
    ['url', 'postgres://u:p@h/db'],
    ['socketPath', '/var/run/postgresql'],
    ['extra', { a: 1 }],
  ])('refuses the unknown Postgres key %s', (key, value) => {
    const result = parse({ ...postgres, [key]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it.each([
    ['clickhouse_setting_readonly', '0'],
    ['ch_max_execution_time', '0'],
    ['settings', { readonly: 0 }],
    ['readonly', 0],
    ['query_params', 'x'],
    ['sslmode', 'disable'],
  ])('refuses the unknown ClickHouse key %s', (key, value) => {
    const result = parse({ ...clickhouse, [key]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it.each([
    '/var/run/postgresql',
    '/tmp/.s.PGSQL.5432',
    'postgres://user:pw@host/db',
    'postgresql://host/db?options=-c%20x',
    'user:pw@host',
    'user@host',
    'host?sslmode=disable',
    'host options=-c',
    'host=evil',
    'db host',
    ' db.example.com',
    'db.example.com\t',
    '-oProxyCommand=x',
    'db.example.com:5432',
    'db.example.com/postgres',
    'host#frag',
    'a,b',
    '[::1]',
    'fe80::1%eth0',
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '127.1',
    '127.000.000.001',
    'bücher.example',
    'x'.repeat(254),
    `${'a'.repeat(64)}.example.com`,
    'bad_label-.example',
    'db\u0000.example',
    'db\u202e.example',
    '',
  ])('refuses the host %j', (host) => {
    expect(findHostProblem(host)).not.toBeNull();
    expect(Object.keys(errorsOf({ ...postgres, host }))).toEqual(['host']);
  });

  it('explains why a socket path or a connection string is not a host', () => {
    expect(errorsOf({ ...postgres, host: '/var/run/postgresql' }).host).toContain('Unix socket');
    expect(errorsOf({ ...postgres, host: 'postgres://user:pw@host/db' }).host).toContain('connection string');
    expect(errorsOf({ ...postgres, host: '0x7f.1' }).host).toContain('four decimal numbers');
  });

  it.each([
    ['host', { select: 1 }],
    ['host', ['db.example.com']],
    ['port', '5432'],
    ['port', { $gt: 0 }],
    ['port', 0],
    ['port', 65536],
    ['port', 5432.5],
    ['database', { select: 1 }],
    ['user', ['a']],
    ['password', { toString: 'x' }],
    ['password', null],
    ['sslmode', 'allow'],
    ['sslmode', 'prefer'],
    ['sslmode', ['require']],
    ['name', 42],
  ])('refuses %s = %j (objects, arrays and wrong types where scalars are expected)', (field, value) => {
    expect(Object.keys(errorsOf({ ...postgres, [field]: value }))).toEqual([field]);
  });

  it('refuses option syntax in the database and user fields', () => {
    for (const database of ['db?options=-c', 'db options', '-db', 'a/b', 'db=x', "db'", '']) {
      expect(Object.keys(errorsOf({ ...postgres, database })), database).toEqual(['database']);
    }
    for (const user of ['u:pw', 'u pw', '-u', 'u\u0000']) {
      expect(Object.keys(errorsOf({ ...postgres, user })), user).toEqual(['user']);
    }
  });

  it('refuses NUL, bidi overrides, lone surrogates and over-long names', () => {
    for (const name of ['a\u0000b', 'a\u202eb', 'a\ud800b', 'x'.repeat(101), '']) {
      expect(Object.keys(errorsOf({ ...postgres, name }))).toEqual(['name']);
    }
  });

  it('refuses a missing or unknown kind, including the internal embedded kind', () => {
    for (const kind of [undefined, 'mysql', 'embedded', { kind: 'postgres' }]) {
      expect(parse({ ...postgres, kind }).success).toBe(false);
    }
  });
});

describe('prototype-shaped input', () => {
  it.each([
    '{"__proto__":{"host":"127.0.0.1"}}',
    '{"constructor":{"prototype":{"host":"127.0.0.1"}}}',
    '{"prototype":{}}',
    '{"__proto__":null}',
  ])('rejects JSON.parse output carrying %s instead of dropping it', (extra) => {
    const json = JSON.stringify(postgres).slice(0, -1) + ',' + extra.slice(1);
    const input: unknown = JSON.parse(json);
    const result = parse(input);
    expect(result.success).toBe(false);
  });

  it('rejects values inherited through a prototype, which zod alone would read', () => {
    const { host: _host, ...rest } = postgres;
    const sneaky: unknown = Object.assign(Object.create({ host: '10.0.0.5' }) as object, rest);
    expect(parse(sneaky).success).toBe(false);
    expect(parse(new (class Input {})()).success).toBe(false);
  });
});

describe('CA certificate text', () => {
  it('accepts one or more certificate blocks, with CRLF line ends', () => {
    expect(findPemProblem(PEM)).toBeNull();
    expect(findPemProblem(`${PEM}\n${PEM}`)).toBeNull();
    expect(findPemProblem(PEM.replaceAll('\n', '\r\n'))).toBeNull();
  });

  it.each([
    ['a file path', '/etc/ssl/certs/ca.pem'],
    ['a private key', PEM.replaceAll('CERTIFICATE', 'PRIVATE KEY')],
    ['an unterminated block', PEM.replace('-----END CERTIFICATE-----', '')],
    ['an empty block', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----'],
    ['text around the block', `hello\n${PEM}`],
    ['a non-base64 line', PEM.replace('AQYIKoZIzj0DAQcDQgAE', 'AQYI KoZI')],
    ['more than 16 KB', PEM.repeat(Math.ceil(16_385 / PEM.length))],
  ])('refuses %s', (_label, caPem) => {
    expect(Object.keys(errorsOf({ ...postgres, caPem }))).toEqual(['caPem']);
  });
});

describe('splitDataSourceInput and toPublicDataSource (C5)', () => {
  it('keeps secrets out of config', () => {
    const write = splitDataSourceInput(dataSourceInputSchema.parse(postgres));
    expect(write.config).toEqual({
      host: 'db.example.com',
      port: 5432,
      database: 'analytics',
      user: 'sightline_ro',
      sslmode: 'verify-full',
    });
    expect(write.secrets).toEqual({ password: SENTINEL, caPem: PEM });
    expect(JSON.stringify(write.config)).not.toContain(SENTINEL);
  });

  const row = (overrides: Partial<DataSourceRowLike> = {}): DataSourceRowLike => ({
    id: '00000000-0000-4000-8000-00000000000a',
    name: 'Warehouse',
    kind: 'postgres',
    config: splitDataSourceInput(dataSourceInputSchema.parse(postgres)).config,
    secrets: { password: `v1:abcd1234:${SENTINEL}`, caPem: `v1:abcd1234:${PEM}` },
    lastTestedAt: null,
    lastTestError: null,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });

  it('shows passwordSet / caPemSet instead of any secret', () => {
    const extra = { ...row(), password: SENTINEL, projectId: 'p' };
    const shown = toPublicDataSource(extra);
    expect(shown).toMatchObject({ kind: 'postgres', passwordSet: true, caPemSet: true });
    const json = JSON.stringify(shown);
    expect(json).not.toContain(SENTINEL);
    expect(json).not.toContain('BEGIN CERTIFICATE');
    expect(json).not.toContain('v1:');
    expect(Object.keys(shown).sort()).toEqual(
      [
        'caPemSet',
        'config',
        'id',
        'kind',
        'lastTestError',
        'lastTestedAt',
        'name',
        'passwordSet',
        'updatedAt',
      ].sort(),
    );
    expect(toPublicDataSource(row({ secrets: {} }))).toMatchObject({ passwordSet: false, caPemSet: false });
  });

  it('re-parses the stored config and fails loudly (without echoing it) on a bad row', () => {
    expect(
      toPublicDataSource(row({ kind: 'embedded', config: { description: 'demo' }, secrets: {} })),
    ).toMatchObject({
      kind: 'embedded',
      config: { description: 'demo' },
    });
    const bad = row({ config: { host: 'db', options: `-c password=${SENTINEL}` } });
    expect(() => toPublicDataSource(bad)).toThrow(/does not match its kind/);
    try {
      toPublicDataSource(bad);
    } catch (error) {
      expect(String(error)).not.toContain(SENTINEL);
    }
  });
});
