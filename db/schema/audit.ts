import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { actorType, tokenRole } from './enums';
import { projects, users } from './projects';

export const auditEntries = pgTable(
  'audit_entries',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Null for actions outside any project (a user's own account). */
    projectId: uuid().references(() => projects.id, { onDelete: 'cascade' }),
    actorType: actorType().notNull(),
    /** User id, token id, or the system job name. */
    actorId: text().notNull(),
    actorLabel: text().notNull(),
    /** `entity.verb`, e.g. `metric.archive`. */
    action: text().notNull(),
    resourceType: text().notNull(),
    resourceId: text(),
    metadata: jsonb().notNull().default({}).$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_entries_project_created_idx').on(t.projectId, t.createdAt.desc()),
    index('audit_entries_resource_idx').on(t.resourceType, t.resourceId),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    role: tokenRole().notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text().notNull().unique(),
    /** The first characters, to tell tokens apart in lists. */
    tokenPrefix: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('api_tokens_project_idx').on(t.projectId)],
);
