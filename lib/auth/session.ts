import 'server-only';
import { getServerSession } from 'next-auth';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { buildContext, type ServiceContext } from '@/lib/context';
import { AppError, unauthorized } from '@/lib/errors';
import { authOptions, sessionClaimsSchema } from './options';
import { resolveProjectContext, resolveUser, type SessionUser } from './resolve';

/** The signed-in user, re-checked against the database (active, session version) on every request. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const claims = sessionClaimsSchema.safeParse(session);
  if (!claims.success) return null;
  const { db } = await getDb();
  return resolveUser(db, { userId: claims.data.uid, sessionVersion: claims.data.sv });
});

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw unauthorized();
  return user;
}

/** Session → membership → role, for server actions and route handlers. Throws AppError. */
export const requireProjectContext = cache(async (projectSlug: string): Promise<ServiceContext> => {
  const user = await requireUser();
  const { db } = await getDb();
  const resolved = await resolveProjectContext(db, { user, projectSlug });
  return buildContext({ ...resolved, db });
});

/** The same guard for pages: anonymous → sign-in page, non-member → 404. */
export async function requirePageContext(projectSlug: string): Promise<ServiceContext> {
  try {
    return await requireProjectContext(projectSlug);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') redirect('/login');
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}

export async function requirePageUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect('/login');
  return user;
}
