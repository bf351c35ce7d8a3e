/**
 * The audit log: emitAudit writes an entry in the caller's transaction; listAuditLog and getAuditEntry read the
 * project's log for its page. Every member may read it (viewers too): entries hold what the pages already show
 * members (names, definitions, data-source settings) and never a secret, only `passwordSet`-style flags; the
 * reader masks secret-named keys anyway, in case a future verb forgets.
 */
import { actorId, requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { auditChanges } from './changes';
import {
  getAuditEntryInProject,
  insertAuditEntry,
  listAuditActors,
  listAuditEntryRows,
  listAuditKinds,
  type AuditEntryRow,
  type AuditFilter,
} from './queries';
import {
  ACTOR_TYPES,
  AUDIT_PAGE_SIZE,
  auditEntryIdSchema,
  auditQuerySchema,
  type ActorType,
  type AuditEntryDto,
  type AuditFacets,
  type AuditPage,
} from './schemas';

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

/** Keys whose string values are credentials wherever they appear; shown as a mask, never as text. */
const SECRET_KEY =
  /^(password|passwd|secret|signingSecret|token|apiKey|caPem|url|webhookUrl|authorization)$/i;
export const REDACTED = '[redacted]';

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      SECRET_KEY.test(key) && typeof v === 'string' ? REDACTED : redact(v),
    ]),
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function nameIn(snapshot: unknown): string | null {
  return isObject(snapshot) && typeof snapshot.name === 'string' ? snapshot.name : null;
}

export function toAuditEntryDto(row: AuditEntryRow): AuditEntryDto {
  const { before, after, ...details } = redact(row.metadata) as Record<string, unknown>;
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    action: row.action,
    resource: { type: row.resourceType, id: row.resourceId, name: nameIn(after) ?? nameIn(before) },
    details,
    before: before ?? null,
    after: after ?? null,
    changes: auditChanges(before, after),
  };
}

function toFilter(query: {
  actor?: string;
  action?: string;
  resource?: string;
  resourceId?: string;
}): AuditFilter {
  const [type, ...rest] = query.actor?.split(':') ?? [];
  const actorType = ACTOR_TYPES.find((t) => t === type);
  return {
    actor: actorType ? { type: actorType, id: rest.join(':') } : undefined,
    action: query.action,
    resourceType: query.resource,
    resourceId: query.resourceId,
  };
}

async function loadFacets(ctx: ServiceContext): Promise<AuditFacets> {
  const [actors, kinds] = await Promise.all([
    listAuditActors(ctx.db, { projectId: ctx.project.id }),
    listAuditKinds(ctx.db, { projectId: ctx.project.id }),
  ]);
  const order: Record<ActorType, number> = { user: 0, token: 1, system: 2 };
  return {
    actors: actors
      .map((a) => ({ type: a.type, id: a.id, label: a.label }))
      .sort((a, b) => order[a.type] - order[b.type] || a.label.localeCompare(b.label)),
    actions: [...new Set(kinds.map((k) => k.action))].sort(),
    resourceTypes: [...new Set(kinds.map((k) => k.resourceType))].sort(),
  };
}

/** One page of the project's audit log, newest first, filtered by actor, action and resource. */
export async function listAuditLog({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input?: unknown;
}): Promise<AuditPage> {
  requireRole(ctx, 'viewer');
  const query = parseInput(auditQuerySchema, input ?? {});
  const [rows, facets] = await Promise.all([
    listAuditEntryRows(ctx.db, {
      projectId: ctx.project.id,
      filter: toFilter(query),
      before: query.before,
      limit: AUDIT_PAGE_SIZE,
    }),
    loadFacets(ctx),
  ]);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    query,
    entries: page.map(toAuditEntryDto),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? (page.at(-1)?.id ?? null) : null,
    facets,
  };
}

export async function getAuditEntry({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<AuditEntryDto> {
  requireRole(ctx, 'viewer');
  const { entryId } = parseInput(auditEntryIdSchema, input);
  return toAuditEntryDto(await getAuditEntryInProject(ctx.db, { projectId: ctx.project.id, entryId }));
}
