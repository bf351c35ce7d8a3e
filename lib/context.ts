/**
 * The ServiceContext every service verb takes: who is acting, in which project, with which role, on which
 * database handle (a transaction when composed), and a clock that tests can freeze.
 */
import type { DbOrTx } from '@/db/client';
import type { Role } from './auth/roles';
import { hasRole } from './auth/roles';
import { forbidden } from './errors';
import type { Logger } from './log';
import { log as rootLog } from './log';

export type Actor =
  | { type: 'user'; userId: string; label: string }
  | { type: 'token'; tokenId: string; label: string }
  | { type: 'system'; job: 'cron' | 'cli' | 'seed' | 'worker'; label: string };

export type ProjectRef = { id: string; slug: string; name: string; timeZone: string };

export type ServiceContext = {
  project: ProjectRef;
  actor: Actor;
  role: Role;
  db: DbOrTx;
  now: () => Date;
  log: Logger;
};

export function buildContext(args: {
  project: ProjectRef;
  actor: Actor;
  role: Role;
  db: DbOrTx;
  now?: () => Date;
}): ServiceContext {
  return {
    ...args,
    now: args.now ?? (() => new Date()),
    log: rootLog.child({ project: args.project.slug, actor: actorId(args.actor) }),
  };
}

export function systemContext(args: {
  project: ProjectRef;
  db: DbOrTx;
  job: 'cron' | 'cli' | 'seed' | 'worker';
  now?: () => Date;
}): ServiceContext {
  return buildContext({
    project: args.project,
    db: args.db,
    now: args.now,
    role: 'admin',
    actor: { type: 'system', job: args.job, label: `system:${args.job}` },
  });
}

export function actorId(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return actor.userId;
    case 'token':
      return actor.tokenId;
    case 'system':
      return actor.job;
    default: {
      const never: never = actor;
      return never;
    }
  }
}

export function actorUserId(actor: Actor): string | null {
  return actor.type === 'user' ? actor.userId : null;
}

/** How to name an actor that is not a person where a row keeps who did something (a person is kept by id). */
export function actorLabelUnlessUser(actor: Actor): string | null {
  return actor.type === 'user' ? null : actor.label;
}

/** First line of every verb: no database work, no transaction opened just to roll back. */
export function requireRole(ctx: ServiceContext, role: Role): void {
  if (!hasRole(ctx.role, role)) {
    throw forbidden(`This needs the ${role} role in ${ctx.project.name}; you are a ${ctx.role}.`);
  }
}

/** Runs fn in a transaction, reusing the one the context already holds so composed verbs share it. */
export async function withTransaction<T>(
  ctx: ServiceContext,
  fn: (tx: ServiceContext) => Promise<T>,
): Promise<T> {
  if (isTransaction(ctx.db)) return fn(ctx);
  return ctx.db.transaction((tx) => fn({ ...ctx, db: tx }));
}

function isTransaction(db: DbOrTx): boolean {
  // drizzle transactions expose rollback(); the root database does not.
  return typeof (db as { rollback?: unknown }).rollback === 'function';
}
