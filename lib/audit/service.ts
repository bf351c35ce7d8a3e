import { actorId, type ServiceContext } from '@/lib/context';
import { insertAuditEntry } from './queries';

export type AuditEvent = {
  /** `entity.verb`, e.g. `metric.archive`. */
  action: string;
  resource: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
};

/** Written in the caller's transaction: if the audit row cannot be written, the change does not happen either. */
export async function emitAudit(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  await insertAuditEntry(ctx.db, {
    projectId: ctx.project.id,
    actorType: ctx.actor.type,
    actorId: actorId(ctx.actor),
    actorLabel: ctx.actor.label,
    action: event.action,
    resourceType: event.resource.type,
    resourceId: event.resource.id,
    metadata: {
      ...(event.metadata ?? {}),
      ...(event.before !== undefined ? { before: event.before } : {}),
      ...(event.after !== undefined ? { after: event.after } : {}),
    },
  });
}
