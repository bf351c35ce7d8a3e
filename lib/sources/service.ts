/**
 * Data-source verbs: create, update, delete, test, list, get. Secrets are encrypted under the row's id before
 * they reach the database and decrypted only to connect; everything returned or audited is the public view.
 * The outbound guard runs on save and again before every connect (SECURITY C2), and the test connects to the
 * address the guard checked, so a name that re-resolves elsewhere is never reached.
 */
import { randomUUID } from 'node:crypto';
import { checkServerIdentity, rootCertificates } from 'node:tls';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { onUniqueViolation } from '@/db/errors';
import { emitAudit } from '@/lib/audit/service';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { safeText } from '@/lib/text';
import {
  checkOutboundTarget,
  OutboundTargetError,
  type CheckedTarget,
  type OutboundDeps,
} from '@/lib/net/outbound-guard';
import { ClickHouseWarehouseClient, type ClickHouseConnection } from '@/lib/warehouse/clients/clickhouse';
import { PostgresWarehouseClient, type PostgresConnection } from '@/lib/warehouse/clients/postgres';
import { connectWarehouse } from '@/lib/warehouse/connect';
import { toWarehouseError } from '@/lib/warehouse/errors';
import type { WarehouseClient } from '@/lib/warehouse/types';
import {
  deleteDataSourceRow,
  findDataSourceByName,
  getDataSourceInProject,
  insertDataSource,
  listDataSourcesInProject,
  listFactTablesUsingDataSource,
  setDataSourceTestResult,
  updateDataSourceRow,
  type DataSourceRow,
} from './queries';
import { auditWarehouseRole } from './role-audit';
import {
  clickhouseConfigSchema,
  dataSourceInputSchema,
  embeddedConfigSchema,
  postgresConfigSchema,
  SECRET_FIELDS,
  splitDataSourceInput,
  toPublicDataSource,
  type DataSourceWrite,
  type PostgresConfig,
  type PublicDataSource,
  type SecretField,
} from './schemas';
import { decryptSecret, encryptSecret, getKeyring, SecretError } from './secrets';

export type DataSourceDeps = OutboundDeps & {
  /** Opens the Postgres client for a test; defaults to PostgresWarehouseClient.connect. */
  connectPostgres?: (connection: PostgresConnection) => WarehouseClient;
  /** Opens the ClickHouse client; defaults to ClickHouseWarehouseClient.connect. */
  connectClickHouse?: (connection: ClickHouseConnection) => WarehouseClient;
};

export type DataSourceTestResult =
  { ok: true; version: string; latencyMs: number; roleFindings: string[] } | { ok: false; error: string };

type Verb = { ctx: ServiceContext; input: unknown; deps?: DataSourceDeps };

const idSchema = z.object({ id: z.uuid('Pick a data source.') }).strict();

const resource = (id: string) => ({ type: 'data_source', id });

export async function createDataSource({
  ctx,
  input,
  deps = {},
  passwordOptional = false,
}: Verb & {
  /** A definitions import creates data sources without a password; the admin sets it in Sources. */
  passwordOptional?: boolean;
}): Promise<PublicDataSource> {
  requireRole(ctx, 'admin');
  const write = splitDataSourceInput(parseInput(dataSourceInputSchema, input));
  if (write.secrets.password === undefined && !passwordOptional) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { password: 'Enter the password of the warehouse user.' },
    });
  }
  await checkHost(write.config, deps);
  const projectId = ctx.project.id;
  await assertNameFree(ctx.db, { projectId, name: write.name });
  // The id is part of each secret's associated data, so it must exist before anything is encrypted.
  const id = randomUUID();
  const secrets = encryptSecrets(id, write.secrets, {});

  return withTransaction(ctx, async (tx) => {
    await assertNameFree(tx.db, { projectId, name: write.name });
    const row = await onUniqueViolation(
      'data_sources_project_name_unique',
      () => nameTaken(write.name),
      () =>
        insertDataSource(tx.db, {
          id,
          projectId,
          name: write.name,
          kind: write.kind,
          config: write.config,
          secrets,
        }),
    );
    const after = toPublicDataSource(row);
    await emitAudit(tx, {
      action: 'data_source.create',
      resource: resource(id),
      metadata: { kind: row.kind },
      after,
    });
    return after;
  });
}

const embeddedInputSchema = z
  .object({ name: safeText({ label: 'Name', max: 100, min: 1 }), ...embeddedConfigSchema.shape })
  .strict();

/**
 * Points a project at the embedded demo warehouse on this machine (it has no connection fields or secrets).
 * The seed makes one for the demo project; a definitions import makes one when its file names one.
 */
export async function createEmbeddedDataSource({ ctx, input }: Verb): Promise<PublicDataSource> {
  requireRole(ctx, 'admin');
  const { name, description } = parseInput(embeddedInputSchema, input);
  const projectId = ctx.project.id;
  await assertNameFree(ctx.db, { projectId, name });
  return withTransaction(ctx, async (tx) => {
    await assertNameFree(tx.db, { projectId, name });
    const row = await onUniqueViolation(
      'data_sources_project_name_unique',
      () => nameTaken(name),
      () =>
        insertDataSource(tx.db, {
          projectId,
          name,
          kind: 'embedded',
          config: description === undefined ? {} : { description },
        }),
    );
    const after = toPublicDataSource(row);
    await emitAudit(tx, {
      action: 'data_source.create',
      resource: resource(row.id),
      metadata: { kind: row.kind },
      after,
    });
    return after;
  });
}

/** Saves changed fields; an empty or missing password or CA keeps the stored one (SECURITY C5). */
export async function updateDataSource({ ctx, input, deps = {} }: Verb): Promise<PublicDataSource> {
  requireRole(ctx, 'admin');
  const { id, fields } = splitId(input);
  const write = splitDataSourceInput(parseInput(dataSourceInputSchema, fields));
  const projectId = ctx.project.id;
  const stored = await getDataSourceInProject(ctx.db, { projectId, dataSourceId: id });
  assertSameKind(stored, write);
  if (stored.config.host !== write.config.host) await checkHost(write.config, deps);
  await assertNameFree(ctx.db, { projectId, name: write.name, exceptId: id });

  return withTransaction(ctx, async (tx) => {
    const beforeRow = await getDataSourceInProject(tx.db, { projectId, dataSourceId: id });
    assertSameKind(beforeRow, write);
    await assertNameFree(tx.db, { projectId, name: write.name, exceptId: id });
    const secrets = encryptSecrets(id, write.secrets, beforeRow.secrets);
    const connectionChanged =
      JSON.stringify(beforeRow.config) !== JSON.stringify(write.config) ||
      Object.keys(write.secrets).length > 0;
    const row = await onUniqueViolation(
      'data_sources_project_name_unique',
      () => nameTaken(write.name),
      () =>
        updateDataSourceRow(tx.db, {
          projectId,
          dataSourceId: id,
          values: {
            name: write.name,
            config: write.config,
            secrets,
            // A past test result says nothing about a connection that has since changed.
            ...(connectionChanged ? { lastTestedAt: null, lastTestError: null } : {}),
          },
        }),
    );
    const before = toPublicDataSource(beforeRow);
    const after = toPublicDataSource(row);
    await emitAudit(tx, {
      action: 'data_source.update',
      resource: resource(id),
      metadata: { changedSecrets: Object.keys(write.secrets) },
      before,
      after,
    });
    return after;
  });
}

/** Deletes a data source no fact table reads. */
export async function deleteDataSource({ ctx, input }: Verb): Promise<{ id: string }> {
  requireRole(ctx, 'admin');
  const { id } = parseInput(idSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const row = await getDataSourceInProject(tx.db, { projectId, dataSourceId: id });
    const users = await listFactTablesUsingDataSource(tx.db, { projectId, dataSourceId: id });
    if (users.length > 0) {
      const shown = users.slice(0, 5).map((f) => f.name);
      const list = users.length > 5 ? `${shown.join(', ')} and ${users.length - 5} more` : shown.join(', ');
      const count = `${users.length} fact table${users.length === 1 ? '' : 's'}`;
      throw new AppError(
        'conflict',
        `${count} read this data source: ${list}. Move or delete ${users.length === 1 ? 'it' : 'them'} first.`,
      );
    }
    await deleteDataSourceRow(tx.db, { projectId, dataSourceId: id });
    await emitAudit(tx, {
      action: 'data_source.delete',
      resource: resource(id),
      before: toPublicDataSource(row),
    });
    return { id };
  });
}

/**
 * Connects and runs `select version()`, then audits the role (S6: warnings for now, not a block). The result
 * and any error are stored on the row; an error is a message the admin can act on, never a stack or secret.
 */
export async function testDataSource({ ctx, input, deps = {} }: Verb): Promise<DataSourceTestResult> {
  requireRole(ctx, 'admin');
  const { id } = parseInput(idSchema, input);
  const projectId = ctx.project.id;
  const row = await getDataSourceInProject(ctx.db, { projectId, dataSourceId: id });
  const result = await runConnectionTest(row, deps);
  if (!result.ok) ctx.log.warn('data source test failed', { dataSourceId: id, error: result.error });

  await withTransaction(ctx, async (tx) => {
    await setDataSourceTestResult(tx.db, {
      projectId,
      dataSourceId: id,
      testedAt: ctx.now(),
      error: result.ok ? null : result.error,
    });
    await emitAudit(tx, {
      action: 'data_source.test',
      resource: resource(id),
      metadata: result.ok ? { ok: true, roleFindings: result.roleFindings.length } : { ok: false },
    });
  });
  return result;
}

export async function listDataSources({ ctx }: { ctx: ServiceContext }): Promise<PublicDataSource[]> {
  requireRole(ctx, 'viewer');
  const rows = await listDataSourcesInProject(ctx.db, { projectId: ctx.project.id });
  return rows.map(toPublicDataSource);
}

export async function getDataSource({ ctx, input }: Verb): Promise<PublicDataSource> {
  requireRole(ctx, 'viewer');
  const { id } = parseInput(idSchema, input);
  return toPublicDataSource(
    await getDataSourceInProject(ctx.db, { projectId: ctx.project.id, dataSourceId: id }),
  );
}

async function runConnectionTest(row: DataSourceRow, deps: DataSourceDeps): Promise<DataSourceTestResult> {
  let opened: OpenedWarehouse;
  try {
    opened = await openDataSourceClient(row, deps);
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.message };
    throw error;
  }
  try {
    return await testClient(opened.client, { auditRole: row.kind === 'postgres' });
  } finally {
    await opened.release();
  }
}

export type OpenedWarehouse = { client: WarehouseClient; release: () => Promise<void> };

/**
 * The client a verb uses for a data source: `resolve` when a test hands one in, otherwise openDataSourceClient.
 * The caller releases it.
 */
export async function openForSource(
  source: DataSourceRow,
  resolve?: (source: DataSourceRow) => WarehouseClient,
): Promise<OpenedWarehouse> {
  if (resolve) return { client: resolve(source), release: async () => {} };
  return openDataSourceClient(source);
}

/**
 * A client for a stored data source: the shared embedded warehouse, or a Postgres client pointed at the address
 * the outbound guard checked just now (the name may resolve elsewhere than it did at save time). The caller
 * must release() it. Unreachable targets and undecryptable secrets are AppErrors with a message to act on.
 */
export async function openDataSourceClient(
  row: DataSourceRow,
  deps: DataSourceDeps = {},
): Promise<OpenedWarehouse> {
  switch (row.kind) {
    case 'clickhouse':
      return openClickHouse(row, deps);
    case 'embedded':
      // Shared by the whole process: never closed here.
      return { client: connectWarehouse(row), release: async () => {} };
    case 'postgres':
      break;
    default: {
      const never: never = row.kind;
      throw new Error(`Unknown data source kind: ${String(never)}`);
    }
  }
  let connection: PostgresConnection;
  try {
    const config = postgresConfigSchema.parse(row.config);
    const target = await checkOutboundTarget(
      { host: config.host, port: config.port, purpose: 'warehouse' },
      deps,
    );
    connection = toPinnedConnection(config, target, decryptSecrets(row));
  } catch (error) {
    if (error instanceof OutboundTargetError || error instanceof SecretError) {
      throw new AppError('validation', error.message, { cause: error });
    }
    throw error;
  }
  const client = (deps.connectPostgres ?? defaultConnectPostgres)(connection);
  return { client, release: () => client.close().catch(() => {}) };
}

const defaultConnectPostgres = (connection: PostgresConnection) =>
  PostgresWarehouseClient.connect(connection, { maxConnections: 1 });

/** A ClickHouse client pointed at the checked address; https checks the certificate against the entered host. */
async function openClickHouse(row: DataSourceRow, deps: DataSourceDeps): Promise<OpenedWarehouse> {
  let connection: ClickHouseConnection;
  try {
    const config = clickhouseConfigSchema.parse(row.config);
    const target = await checkOutboundTarget(
      { host: config.host, port: config.port, purpose: 'warehouse' },
      deps,
    );
    const address = target.addresses[0];
    if (!address) throw new OutboundTargetError('unresolvable', `Host ${config.host} could not be resolved.`);
    const secrets = decryptSecrets(row);
    connection = {
      protocol: config.protocol,
      host: address.address,
      port: config.port,
      ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      database: config.database,
      user: config.user,
      ...(secrets.password === undefined ? {} : { password: secrets.password }),
      ...(secrets.caPem === undefined ? {} : { caPem: secrets.caPem }),
    };
  } catch (error) {
    if (error instanceof OutboundTargetError || error instanceof SecretError) {
      throw new AppError('validation', error.message, { cause: error });
    }
    throw error;
  }
  const connect =
    deps.connectClickHouse ?? ((c: ClickHouseConnection) => ClickHouseWarehouseClient.connect(c));
  const client = connect(connection);
  return { client, release: () => client.close().catch(() => {}) };
}

async function testClient(
  client: WarehouseClient,
  opts: { auditRole: boolean },
): Promise<DataSourceTestResult> {
  try {
    const { version, latencyMs } = await client.test();
    const roleFindings = opts.auditRole ? await auditWarehouseRole(client) : [];
    return { ok: true, version, latencyMs, roleFindings };
  } catch (error) {
    // toWarehouseError keeps the server's own message (it names the user, never the password) or a hint.
    return { ok: false, error: toWarehouseError(error).message };
  }
}

/**
 * Points the driver at the checked address. postgres.js sends SNI only for names, so the TLS options carry
 * the server name and check the certificate against the host the admin entered, not the IP.
 */
function toPinnedConnection(
  config: PostgresConfig,
  target: CheckedTarget,
  secrets: Partial<Record<SecretField, string>>,
): PostgresConnection {
  const address = target.addresses[0];
  if (!address) throw new OutboundTargetError('unresolvable', `Host ${config.host} could not be resolved.`);
  const base = { host: address.address, port: config.port, database: config.database, user: config.user };
  const password = secrets.password === undefined ? {} : { password: secrets.password };
  if (config.sslmode === 'disable') return { ...base, ...password, ssl: false };
  if (config.sslmode === 'require') return { ...base, ...password, ssl: 'require' };
  const ssl = {
    ca: secrets.caPem ?? rootCertificates.join('\n'),
    rejectUnauthorized: true as const,
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    checkServerIdentity:
      config.sslmode === 'verify-full'
        ? (_name: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
            checkServerIdentity(target.host, cert)
        : () => undefined,
  };
  return { ...base, ...password, ssl };
}

async function checkHost(config: { host: string; port: number }, deps: OutboundDeps): Promise<void> {
  try {
    await checkOutboundTarget({ host: config.host, port: config.port, purpose: 'warehouse' }, deps);
  } catch (error) {
    if (error instanceof OutboundTargetError) {
      throw new AppError('validation', error.message, { fieldErrors: { host: error.message }, cause: error });
    }
    throw error;
  }
}

function encryptSecrets(
  dataSourceId: string,
  plain: Partial<Record<SecretField, string>>,
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const keyring = getKeyring();
  const secrets: Record<string, string> = {};
  for (const field of SECRET_FIELDS) {
    const value = plain[field];
    if (value !== undefined)
      secrets[field] = encryptSecret(keyring, { dataSourceId, field, plaintext: value });
    else if (typeof stored[field] === 'string') secrets[field] = stored[field];
  }
  return secrets;
}

function decryptSecrets(row: DataSourceRow): Partial<Record<SecretField, string>> {
  const keyring = getKeyring();
  const plain: Partial<Record<SecretField, string>> = {};
  for (const field of SECRET_FIELDS) {
    const value = row.secrets[field];
    if (typeof value === 'string' && value !== '') {
      plain[field] = decryptSecret(keyring, { dataSourceId: row.id, field, value });
    }
  }
  return plain;
}

/** Update input is the create shape plus `id`; the id is split off so the strict schema stays the one schema. */
function splitId(input: unknown): { id: string; fields: Record<string, unknown> } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { _: 'Input must be an object.' },
    });
  }
  const { id, ...fields } = input as Record<string, unknown>;
  return { id: parseInput(idSchema, { id }).id, fields };
}

function assertSameKind(row: DataSourceRow, write: DataSourceWrite): void {
  if (row.kind !== write.kind) {
    const message =
      row.kind === 'embedded'
        ? 'The embedded demo warehouse cannot be edited.'
        : `This data source is ${row.kind}; create a new data source for ${write.kind}.`;
    throw new AppError('validation', message, { fieldErrors: { kind: message } });
  }
}

const nameTaken = (name: string) =>
  new AppError('conflict', `A data source named "${name}" already exists in this project.`, {
    fieldErrors: { name: 'Another data source already has this name.' },
  });

async function assertNameFree(
  db: DbOrTx,
  { projectId, name, exceptId }: { projectId: string; name: string; exceptId?: string },
): Promise<void> {
  const existing = await findDataSourceByName(db, { projectId, name });
  if (existing && existing.id !== exceptId) throw nameTaken(name);
}
