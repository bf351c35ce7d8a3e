/**
 * Annotation verbs on a real database: notes on one metric or the whole project, listed on each metric's
 * drilldown, edited and deleted with an audit trail; roles, tenancy and bad input write nothing.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { annotations, auditEntries } from '@/db/schema';
import {
  createAnnotation,
  deleteAnnotation,
  listAnnotations,
  updateAnnotation,
} from '@/lib/annotations/service';
import { AppError } from '@/lib/errors';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';
import { expectFailure } from '../../helpers/expect';
import { createSqlMetric } from '../../helpers/series';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;
const ids = { orders: '', revenue: '', foreign: '' };

const NOW = new Date('2025-03-10T12:00:00Z');
const at = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();
const ctxOf = (fixture: TestProjectFixture, role: 'viewer' | 'editor' | 'admin') => ({
  ...fixture.ctx(role),
  now: () => NOW,
});
const failure = (promise: Promise<unknown>) => expectFailure(promise, AppError);

const rowsOf = (projectId: string) =>
  handle.db.select().from(annotations).where(eq(annotations.projectId, projectId));
const auditOf = (id: string) =>
  handle.db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.resourceType, 'annotation'), eq(auditEntries.resourceId, id)));

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Annotations A');
  b = await createTestProject(handle.db, 'Annotations B');
  ids.orders = (await createSqlMetric(handle.db, a.project.id, { interval: 'hour', valueKind: 'count' })).id;
  ids.revenue = (await createSqlMetric(handle.db, a.project.id, { interval: 'day', valueKind: 'count' })).id;
  ids.foreign = (await createSqlMetric(handle.db, b.project.id, { interval: 'hour', valueKind: 'count' })).id;
});

afterAll(async () => handle?.close());

describe('creating and listing', () => {
  it('lists a metric note on its metric only and a project note on every metric, with the author', async () => {
    const own = await createAnnotation({
      ctx: ctxOf(a, 'editor'),
      input: { metricId: ids.orders, note: '  Checkout outage  ', startsAt: at(-5), endsAt: at(-3) },
    });
    const wide = await createAnnotation({
      ctx: ctxOf(a, 'admin'),
      input: { metricId: null, note: 'Release 3.20', startsAt: at(-4), endsAt: '' },
    });
    expect(own).toMatchObject({
      metricId: ids.orders,
      note: 'Checkout outage',
      startsAt: at(-5),
      endsAt: at(-3),
      authorName: expect.stringMatching(/^editor /),
    });
    expect(wide).toMatchObject({
      metricId: null,
      endsAt: null,
      authorName: expect.stringMatching(/^admin /),
    });

    const onOrders = await listAnnotations({ ctx: ctxOf(a, 'viewer'), input: { metricId: ids.orders } });
    expect(onOrders.map((n) => n.id)).toEqual([own.id, wide.id]);
    const onRevenue = await listAnnotations({ ctx: ctxOf(a, 'viewer'), input: { metricId: ids.revenue } });
    expect(onRevenue.map((n) => n.id)).toEqual([wide.id]);

    const [audit] = await auditOf(own.id);
    expect(audit).toMatchObject({ action: 'annotation.create', actorId: a.users.editor.id });
    expect(audit?.metadata).toMatchObject({ after: { note: 'Checkout outage', metricId: ids.orders } });
  });

  it('lists only the notes that overlap a window', async () => {
    const early = await createAnnotation({
      ctx: ctxOf(a, 'editor'),
      input: { metricId: ids.revenue, note: 'Long ago', startsAt: at(-24 * 40), endsAt: at(-24 * 39) },
    });
    const inWindow = await listAnnotations({
      ctx: ctxOf(a, 'viewer'),
      input: { metricId: ids.revenue, start: at(-24 * 7), end: at(0) },
    });
    expect(inWindow.map((n) => n.note)).not.toContain('Long ago');
    const older = await listAnnotations({
      ctx: ctxOf(a, 'viewer'),
      input: { metricId: ids.revenue, start: at(-24 * 45), end: at(-24 * 30) },
    });
    expect(older.map((n) => n.id)).toEqual([early.id]);
  });
});

describe('editing and deleting', () => {
  it('moves a note to the whole project and rewords it, auditing before and after', async () => {
    const note = await createAnnotation({
      ctx: ctxOf(a, 'editor'),
      input: { metricId: ids.orders, note: 'Campaign', startsAt: at(-10), endsAt: null },
    });
    const edited = await updateAnnotation({
      ctx: ctxOf(a, 'admin'),
      input: { id: note.id, metricId: null, note: 'Spring campaign', startsAt: at(-12), endsAt: at(-2) },
    });
    expect(edited).toMatchObject({
      metricId: null,
      note: 'Spring campaign',
      startsAt: at(-12),
      endsAt: at(-2),
      authorName: note.authorName,
    });
    const onRevenue = await listAnnotations({ ctx: ctxOf(a, 'viewer'), input: { metricId: ids.revenue } });
    expect(onRevenue.map((n) => n.id)).toContain(note.id);
    const update = (await auditOf(note.id)).find((e) => e.action === 'annotation.update');
    expect(update?.metadata).toMatchObject({
      before: { note: 'Campaign', metricId: ids.orders },
      after: { note: 'Spring campaign', metricId: null },
    });
  });

  it('deletes a note from every list and audits what it was', async () => {
    const note = await createAnnotation({
      ctx: ctxOf(a, 'editor'),
      input: { metricId: null, note: 'Temporary', startsAt: at(-1), endsAt: null },
    });
    expect(await deleteAnnotation({ ctx: ctxOf(a, 'editor'), input: { id: note.id } })).toEqual({
      id: note.id,
    });
    const lists = await Promise.all(
      [ids.orders, ids.revenue].map((metricId) =>
        listAnnotations({ ctx: ctxOf(a, 'viewer'), input: { metricId } }),
      ),
    );
    expect(lists.flat().map((n) => n.id)).not.toContain(note.id);
    const deleted = (await auditOf(note.id)).find((e) => e.action === 'annotation.delete');
    expect(deleted?.metadata).toMatchObject({ before: { note: 'Temporary' } });
    expect((await failure(deleteAnnotation({ ctx: ctxOf(a, 'editor'), input: { id: note.id } }))).code).toBe(
      'not_found',
    );
  });
});

describe('tenancy and roles', () => {
  it("treats another project's metric and notes as not found, and leaves them as they were", async () => {
    const theirs = await createAnnotation({
      ctx: ctxOf(b, 'editor'),
      input: { metricId: ids.foreign, note: 'Theirs', startsAt: at(-2), endsAt: null },
    });
    const before = (await rowsOf(a.project.id)).length;
    const editor = ctxOf(a, 'editor');
    // One at a time: a rejection must never wait unobserved while another call runs.
    const attempts = [
      () =>
        createAnnotation({
          ctx: editor,
          input: { metricId: ids.foreign, note: 'Mine now', startsAt: at(-2), endsAt: null },
        }),
      () =>
        updateAnnotation({
          ctx: editor,
          input: { id: theirs.id, metricId: null, note: 'Taken over', startsAt: at(-2), endsAt: null },
        }),
      () => deleteAnnotation({ ctx: editor, input: { id: theirs.id } }),
      () => listAnnotations({ ctx: editor, input: { metricId: ids.foreign } }),
    ];
    for (const attempt of attempts) expect((await failure(attempt())).code).toBe('not_found');
    expect((await rowsOf(a.project.id)).length).toBe(before);
    const [stored] = await rowsOf(b.project.id);
    expect(stored).toMatchObject({ id: theirs.id, note: 'Theirs' });
  });

  it('refuses a viewer every change, writing and auditing nothing', async () => {
    const note = await createAnnotation({
      ctx: ctxOf(a, 'editor'),
      input: { metricId: ids.orders, note: 'Keep me', startsAt: at(-1), endsAt: null },
    });
    const before = (await rowsOf(a.project.id)).length;
    const viewer = ctxOf(a, 'viewer');
    const input = { metricId: ids.orders, note: 'Viewer was here', startsAt: at(-1), endsAt: null };
    for (const attempt of [
      () => createAnnotation({ ctx: viewer, input }),
      () => updateAnnotation({ ctx: viewer, input: { ...input, id: note.id } }),
      () => deleteAnnotation({ ctx: viewer, input: { id: note.id } }),
    ]) {
      expect((await failure(attempt())).code).toBe('forbidden');
    }
    expect((await rowsOf(a.project.id)).length).toBe(before);
    expect((await rowsOf(a.project.id)).find((r) => r.id === note.id)?.note).toBe('Keep me');
    expect((await auditOf(note.id)).map((e) => e.action)).toEqual(['annotation.create']);
  });
});

describe('bad input', () => {
  const valid = () => ({ metricId: ids.orders, note: 'Fine', startsAt: at(-2), endsAt: at(-1) });
  const cases: [string, Record<string, unknown>, string][] = [
    ['an empty note', { note: '   ' }, 'note'],
    ['a note over 500 characters', { note: 'x'.repeat(501) }, 'note'],
    ['a NUL byte', { note: 'a\u0000b' }, 'note'],
    ['a bidi override', { note: 'safe\u202Etxt.exe' }, 'note'],
    ['an end before the start', { endsAt: at(-3) }, 'endsAt'],
    ['a stretch over a year', { startsAt: at(-24 * 400), endsAt: at(0) }, 'endsAt'],
    ['a start years ahead', { startsAt: at(24 * 400), endsAt: null }, 'startsAt'],
    ['a start that is not a time', { startsAt: 'yesterday' }, 'startsAt'],
    ['no start', { startsAt: '' }, 'startsAt'],
    ['a metric id that is not an id', { metricId: 'orders' }, 'metricId'],
  ];

  it.each(cases)('refuses %s with an error on its field and writes nothing', async (_, change, field) => {
    const before = (await rowsOf(a.project.id)).length;
    const error = await failure(
      createAnnotation({ ctx: ctxOf(a, 'editor'), input: { ...valid(), ...change } }),
    );
    expect(error.code).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {})).toEqual([field]);
    expect((await rowsOf(a.project.id)).length).toBe(before);
  });

  it('refuses unknown fields, and an edit with bad input changes nothing', async () => {
    const extra = await failure(
      createAnnotation({ ctx: ctxOf(a, 'editor'), input: { ...valid(), createdBy: a.users.admin.id } }),
    );
    expect(extra.code).toBe('validation');
    const note = await createAnnotation({ ctx: ctxOf(a, 'editor'), input: valid() });
    const error = await failure(
      updateAnnotation({
        ctx: ctxOf(a, 'editor'),
        input: { ...valid(), id: note.id, note: '', endsAt: at(-9) },
      }),
    );
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['endsAt', 'note']);
    expect((await rowsOf(a.project.id)).find((r) => r.id === note.id)?.note).toBe('Fine');
  });
});
