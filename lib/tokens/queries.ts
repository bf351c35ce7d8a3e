import 'server-only';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { apiTokens, projects, users } from '@/db/schema';
import { notFound } from '@/lib/errors';

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type NewApiTokenRow = typeof apiTokens.$inferInsert;

export async function insertApiToken(db: DbOrTx, values: NewApiTokenRow): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error('insert into api_tokens returned no row');
  return row;
}

const listed = {
  id: apiTokens.id,
  name: apiTokens.name,
  role: apiTokens.role,
  tokenPrefix: apiTokens.tokenPrefix,
  createdBy: apiTokens.createdBy,
  createdByName: users.name,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

export type ListedApiTokenRow = {
  id: string;
  name: string;
  role: 'viewer' | 'editor';
  tokenPrefix: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** Active tokens first, then revoked ones; newest first within each. */
export async function listApiTokensInProject(
  db: DbOrTx,
  { projectId }: { projectId: string },
): Promise<ListedApiTokenRow[]> {
  const rows = await db
    .select(listed)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.projectId, projectId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

export async function getApiTokenInProject(
  db: DbOrTx,
  { projectId, tokenId, lock = false }: { projectId: string; tokenId: string; lock?: boolean },
): Promise<ListedApiTokenRow> {
  const query = db
    .select(listed)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.id, tokenId)))
    .limit(1);
  const [row] = lock ? await query.for('update', { of: apiTokens }) : await query;
  if (!row) throw notFound('API token');
  return row;
}

export async function setApiTokenRevoked(
  db: DbOrTx,
  { projectId, tokenId, at }: { projectId: string; tokenId: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.projectId, projectId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** The token with this hash and its project, in one statement: the API guard's only read. */
function prepareTokenLookup(db: DbOrTx) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      tokenHash: apiTokens.tokenHash,
      tokenPrefix: apiTokens.tokenPrefix,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      project: { id: projects.id, slug: projects.slug, name: projects.name, timeZone: projects.timeZone },
    })
    .from(apiTokens)
    .innerJoin(projects, eq(projects.id, apiTokens.projectId))
    .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
    .limit(1)
    .prepare('find_api_token_by_hash');
}

/** Built once per database handle: every API request runs this lookup. */
const tokenLookups = new WeakMap<DbOrTx, ReturnType<typeof prepareTokenLookup>>();

export async function findApiTokenByHash(db: DbOrTx, tokenHash: string) {
  let lookup = tokenLookups.get(db);
  if (!lookup) {
    lookup = prepareTokenLookup(db);
    tokenLookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ tokenHash });
  return row ?? null;
}

/** Records a use, unless one was recorded since `staleBefore`: at most one write per token per interval. */
export async function touchApiTokenLastUsed(
  db: DbOrTx,
  { tokenId, at, staleBefore }: { tokenId: string; at: Date; staleBefore: Date },
): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(
      and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))),
    );
}
