/**
 * The API guard's token half, free of Next so tests can drive it directly: a bearer token → its project, role
 * and actor. Unknown, malformed and revoked tokens are all "unauthorized"; a token of another project is "not
 * found", exactly like a missing project.
 */
import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { Actor, ProjectRef } from '@/lib/context';
import { notFound, unauthorized } from '@/lib/errors';
import { findApiTokenByHash, touchApiTokenLastUsed } from './queries';
import type { TokenRole } from './schemas';
import { hashApiToken, looksLikeApiToken, sameDigest } from './secret';

/** Last-used times are written at most this often per token, so busy tokens do not write on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export const INVALID_TOKEN_MESSAGE = 'The API token is not valid: it is unknown, malformed or revoked.';

export type ResolvedToken = { project: ProjectRef; role: TokenRole; actor: Actor; tokenId: string };

export async function resolveApiToken(
  db: DbOrTx,
  { token, projectSlug, now }: { token: string; projectSlug: string; now: Date },
): Promise<ResolvedToken> {
  if (!looksLikeApiToken(token)) throw unauthorized(INVALID_TOKEN_MESSAGE);
  const hash = hashApiToken(token);
  const row = await findApiTokenByHash(db, hash);
  // The lookup is by a digest of the secret, so its timing says nothing about the secret; compare anyway.
  if (!row || !sameDigest(row.tokenHash, hash) || row.revokedAt !== null) {
    throw unauthorized(INVALID_TOKEN_MESSAGE);
  }
  if (row.project.slug !== projectSlug) throw notFound('Project');
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await touchApiTokenLastUsed(db, {
      tokenId: row.id,
      at: now,
      staleBefore: new Date(now.getTime() - LAST_USED_RESOLUTION_MS),
    });
  }
  return {
    project: row.project,
    role: row.role,
    tokenId: row.id,
    actor: { type: 'token', tokenId: row.id, label: `token:${row.name} (${row.tokenPrefix}…)` },
  };
}
