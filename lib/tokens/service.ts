/**
 * API-token verbs: create (the token is returned this once), list, revoke. Only the SHA-256 of a token is
 * stored; audit entries name the token by id, name and prefix.
 */
import { emitAudit } from '@/lib/audit/service';
import { actorUserId, requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict, parseInput } from '@/lib/errors';
import {
  getApiTokenInProject,
  insertApiToken,
  listApiTokensInProject,
  setApiTokenRevoked,
  type ListedApiTokenRow,
} from './queries';
import {
  createApiTokenInputSchema,
  revokeApiTokenInputSchema,
  type ApiTokenDto,
  type CreatedApiToken,
} from './schemas';
import { generateApiToken, hashApiToken, tokenPrefixOf } from './secret';

type Verb = { ctx: ServiceContext; input: unknown };

const resource = (id: string) => ({ type: 'api_token', id });

function toApiTokenDto(row: ListedApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.tokenPrefix,
    createdBy: row.createdBy ? { id: row.createdBy, name: row.createdByName ?? '' } : null,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** What the audit log keeps of a token: enough to recognise it, nothing to use it. */
function auditView(dto: ApiTokenDto) {
  return { name: dto.name, role: dto.role, prefix: dto.prefix, revokedAt: dto.revokedAt };
}

/** Creates a token for the project; the answer carries the token itself, which is never shown again. */
export async function createApiToken({ ctx, input }: Verb): Promise<CreatedApiToken> {
  requireRole(ctx, 'admin');
  const { name, role } = parseInput(createApiTokenInputSchema, input);
  const secret = generateApiToken();
  return withTransaction(ctx, async (tx) => {
    const row = await insertApiToken(tx.db, {
      projectId: ctx.project.id,
      name,
      role,
      tokenHash: hashApiToken(secret),
      tokenPrefix: tokenPrefixOf(secret),
      createdBy: actorUserId(ctx.actor),
      createdAt: ctx.now(),
    });
    const token = toApiTokenDto(
      await getApiTokenInProject(tx.db, { projectId: ctx.project.id, tokenId: row.id }),
    );
    await emitAudit(tx, { action: 'api_token.create', resource: resource(row.id), after: auditView(token) });
    return { token, secret };
  });
}

export async function listApiTokens({ ctx }: { ctx: ServiceContext }): Promise<ApiTokenDto[]> {
  requireRole(ctx, 'viewer');
  const rows = await listApiTokensInProject(ctx.db, { projectId: ctx.project.id });
  return rows.map(toApiTokenDto);
}

/** Revokes a token: the next request that carries it is refused. Revoking twice is a conflict. */
export async function revokeApiToken({ ctx, input }: Verb): Promise<ApiTokenDto> {
  requireRole(ctx, 'admin');
  const { tokenId } = parseInput(revokeApiTokenInputSchema, input);
  const projectId = ctx.project.id;
  return withTransaction(ctx, async (tx) => {
    const before = toApiTokenDto(await getApiTokenInProject(tx.db, { projectId, tokenId, lock: true }));
    if (before.revokedAt) throw conflict('This token was already revoked.');
    if (!(await setApiTokenRevoked(tx.db, { projectId, tokenId, at: ctx.now() }))) {
      throw conflict('This token was already revoked.');
    }
    const after = toApiTokenDto(await getApiTokenInProject(tx.db, { projectId, tokenId }));
    await emitAudit(tx, {
      action: 'api_token.revoke',
      resource: resource(tokenId),
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}
