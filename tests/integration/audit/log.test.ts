/**
 * The audit log's read verbs: newest first, filtered by actor, action, resource type and resource, paged by a
 * keyset that neither skips nor repeats entries written in the same instant, scoped to the project, readable by
 * viewers, with definition changes as a field diff and secret-named values masked.
 */
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { auditEntries } from '@/db/schema';
import { insertAuditEntry } from '@/lib/audit/queries';
import { AUDIT_PAGE_SIZE } from '@/lib/audit/schemas';
import { parseAuditSearchParams, toAuditSearch } from '@/lib/audit/search-params';
import { getAuditEntry, listAuditLog, REDACTED } from '@/lib/audit/service';
import { AppError } from '@/lib/errors';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
const metricId = '3f1a2b3c-0000-4000-8000-000000000001';
const otherMetricId = '3f1a2b3c-0000-4000-8000-000000000002';
let updateEntryId: string;
let foreignEntryId: string;

const T0 = Date.UTC(2026, 4, 1, 12);

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Audit log A');
  b = await createTestProject(handle.db, 'Audit log B');
  const editor = { actorType: 'user' as const, actorId: a.users.editor.id, actorLabel: a.users.editor.email };
  const admin = { actorType: 'user' as const, actorId: a.users.admin.id, actorLabel: a.users.admin.email };
  const cron = { actorType: 'system' as const, actorId: 'cron', actorLabel: 'system:cron' };
  const rows: (typeof auditEntries.$inferInsert)[] = [];
  // 120 entries; every five share one instant, so the keyset has ties to get right.
  for (let i = 0; i < 120; i += 1) {
    const at = new Date(T0 + Math.floor(i / 5) * 60_000);
    const kind = i % 3;
    rows.push(
      kind === 0
        ? { ...editor, action: 'metric.update', resourceType: 'metric', resourceId: metricId, createdAt: at }
        : kind === 1
          ? {
              ...cron,
              action: 'collection.tick',
              resourceType: 'collection_run',
              resourceId: null,
              createdAt: at,
            }
          : {
              ...admin,
              action: 'data_source.update',
              resourceType: 'data_source',
              resourceId: otherMetricId,
              createdAt: at,
            },
    );
  }
  await handle.db.insert(auditEntries).values(rows.map((r) => ({ ...r, projectId: a.project.id })));
  await insertAuditEntry(handle.db, {
    projectId: a.project.id,
    ...editor,
    action: 'metric.update',
    resourceType: 'metric',
    resourceId: metricId,
    createdAt: new Date(T0 + 3_600_000),
    metadata: {
      changes: ['description', 'definition.operand.aggregation'],
      before: {
        version: 3,
        name: 'Orders',
        description: 'Old',
        definition: { operand: { aggregation: 'count' } },
      },
      after: {
        version: 4,
        name: 'Orders',
        description: 'New',
        definition: { operand: { aggregation: 'sum' } },
      },
      webhook: { url: 'https://hooks.example.com/secret-path', host: 'hooks.example.com' },
    },
  });
  const [newest] = await handle.db
    .select({ id: auditEntries.id })
    .from(auditEntries)
    .where(eq(auditEntries.projectId, a.project.id))
    .orderBy(desc(auditEntries.createdAt))
    .limit(1);
  updateEntryId = newest!.id;
  await insertAuditEntry(handle.db, {
    projectId: b.project.id,
    actorType: 'user',
    actorId: b.users.editor.id,
    actorLabel: b.users.editor.email,
    action: 'metric.delete',
    resourceType: 'metric',
    resourceId: metricId,
  });
  const [foreign] = await handle.db
    .select({ id: auditEntries.id })
    .from(auditEntries)
    .where(eq(auditEntries.projectId, b.project.id));
  foreignEntryId = foreign!.id;
});

afterAll(async () => handle?.close());

/** Every page of a view, following the keyset cursor. */
async function allPages(input: Record<string, string>) {
  const seen: string[] = [];
  let before: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const result = await listAuditLog({
      ctx: a.ctx('viewer'),
      input: { ...input, ...(before ? { before } : {}) },
    });
    expect(result.entries.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
    seen.push(...result.entries.map((e) => e.id));
    if (!result.nextBefore) return seen;
    before = result.nextBefore;
  }
  throw new Error('too many pages');
}

describe('listAuditLog', () => {
  it('lists the project’s entries newest first and pages through all of them exactly once', async () => {
    const first = await listAuditLog({ ctx: a.ctx('viewer') });
    expect(first.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.entries[0]?.id).toBe(updateEntryId);
    const times = first.entries.map((e) => e.createdAt);
    expect(times).toEqual([...times].sort().reverse());

    const ids = await allPages({});
    expect(ids).toHaveLength(121);
    expect(new Set(ids).size).toBe(121);
    expect(ids).not.toContain(foreignEntryId);
  });

  it('filters by actor, action, resource type and resource id, and pages within a filter', async () => {
    const cron = await allPages({ actor: 'system:cron' });
    expect(cron).toHaveLength(40);
    const byEditor = await listAuditLog({
      ctx: a.ctx('viewer'),
      input: { actor: `user:${a.users.editor.id}` },
    });
    expect(byEditor.entries.every((e) => e.actor.id === a.users.editor.id)).toBe(true);
    expect(await allPages({ actor: `user:${a.users.editor.id}` })).toHaveLength(41);

    expect(await allPages({ action: 'data_source.update' })).toHaveLength(40);
    expect(await allPages({ resource: 'collection_run' })).toHaveLength(40);
    expect(await allPages({ resource: 'metric', resourceId: metricId })).toHaveLength(41);
    expect(await allPages({ actor: 'system:cron', action: 'metric.update' })).toHaveLength(0);
  });

  it('offers the actors, actions and resource types that occur in this project only', async () => {
    const { facets } = await listAuditLog({ ctx: a.ctx('viewer') });
    expect(facets.actions).toEqual(['collection.tick', 'data_source.update', 'metric.update']);
    expect(facets.resourceTypes).toEqual(['collection_run', 'data_source', 'metric']);
    expect(facets.actors.map((x) => `${x.type}:${x.id}`).sort()).toEqual(
      [`user:${a.users.editor.id}`, `user:${a.users.admin.id}`, 'system:cron'].sort(),
    );
  });

  it('refuses a malformed filter with a field error, and an unknown cursor gives an empty page', async () => {
    const error = await expectFailure(
      listAuditLog({ ctx: a.ctx('viewer'), input: { actor: "user:1' or 1=1" } }),
      AppError,
    );
    expect(error.fieldErrors?.actor).toBeDefined();
    const empty = await listAuditLog({ ctx: a.ctx('viewer'), input: { before: foreignEntryId } });
    expect(empty.entries).toEqual([]);
  });
});

describe('getAuditEntry', () => {
  it('shows a definition change field by field, and masks secret-named values', async () => {
    const entry = await getAuditEntry({ ctx: a.ctx('viewer'), input: { entryId: updateEntryId } });
    expect(entry).toMatchObject({
      action: 'metric.update',
      actor: { type: 'user', id: a.users.editor.id, label: a.users.editor.email },
      resource: { type: 'metric', id: metricId, name: 'Orders' },
    });
    // jsonb keeps its own key order, so compare the changes as a set.
    expect([...entry.changes].sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'definition.operand.aggregation', before: 'count', after: 'sum' },
      { path: 'description', before: 'Old', after: 'New' },
      { path: 'version', before: 3, after: 4 },
    ]);
    expect(entry.details).toMatchObject({ webhook: { url: REDACTED, host: 'hooks.example.com' } });
    expect(JSON.stringify(entry)).not.toContain('secret-path');
  });

  it('answers not found for another project’s entry', async () => {
    const error = await expectFailure(
      getAuditEntry({ ctx: a.ctx('admin'), input: { entryId: foreignEntryId } }),
      AppError,
    );
    expect(error.code).toBe('not_found');
  });
});

describe('audit search params', () => {
  it('keeps valid filters, drops malformed ones, and writes them back in a fixed order', () => {
    const query = parseAuditSearchParams({
      action: 'metric.update',
      actor: ['system:cron', 'user:x'],
      resource: 'Metric; drop',
      before: 'not-a-uuid',
    });
    expect(query).toEqual({ action: 'metric.update', actor: 'system:cron' });
    expect(toAuditSearch({ ...query, resource: 'metric' })).toBe(
      '?actor=system%3Acron&action=metric.update&resource=metric',
    );
    expect(toAuditSearch({})).toBe('');
  });
});
