/**
 * The audit log: what its URL may say, what its read verbs take, and the shapes they hand to the UI.
 * Client-safe: no database, no Node built-ins.
 */
import { z } from 'zod';
import type { SnapshotChange } from '@/lib/metrics/diff';

/** Entries per page of the audit log. */
export const AUDIT_PAGE_SIZE = 50;

export const ACTOR_TYPES = ['user', 'token', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * The filters. Each field is parsed on its own from the URL (see search-params.ts): a malformed value is dropped,
 * never an error page. `before` is the keyset cursor: the id of the last entry of the previous page.
 */
export const auditQueryFields = {
  /** `user:<id>`, `token:<id>` or `system:<job>`. */
  actor: z.string().regex(/^(user|token|system):[A-Za-z0-9_-]{1,64}$/, 'Unknown actor.'),
  /** `entity.verb`, e.g. `metric.update`. */
  action: z
    .string()
    .max(80)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'Unknown action.'),
  /** `metric`, `fact_table`, `data_source`, … */
  resource: z
    .string()
    .max(40)
    .regex(/^[a-z0-9_]+$/, 'Unknown resource type.'),
  /** One resource's history (with `resource`). */
  resourceId: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'Unknown resource.'),
  before: z.uuid('Unknown entry.'),
};

export const auditQuerySchema = z
  .object({
    actor: auditQueryFields.actor.optional(),
    action: auditQueryFields.action.optional(),
    resource: auditQueryFields.resource.optional(),
    resourceId: auditQueryFields.resourceId.optional(),
    before: auditQueryFields.before.optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntryIdSchema = z.object({ entryId: z.uuid('Unknown audit entry.') }).strict();

export type AuditActor = { type: ActorType; id: string; label: string };

export type AuditEntryDto = {
  id: string;
  createdAt: string;
  actor: AuditActor;
  action: string;
  resource: {
    type: string;
    id: string | null;
    /** The resource's name as the entry recorded it (before or after), when it has one. */
    name: string | null;
  };
  /** Metadata other than the snapshots: counts, flags, the run's outcome. */
  details: Record<string, unknown>;
  before: unknown;
  after: unknown;
  /** Field by field, before → after; a created resource has only afters, a deleted one only befores. */
  changes: SnapshotChange[];
};

export type AuditFacets = {
  actors: AuditActor[];
  actions: string[];
  resourceTypes: string[];
};

export type AuditPage = {
  query: AuditQuery;
  entries: AuditEntryDto[];
  /** The cursor of the next (older) page, or null on the last one. */
  nextBefore: string | null;
  facets: AuditFacets;
};
