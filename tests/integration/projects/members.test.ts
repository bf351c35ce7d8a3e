import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@/db/client';
import { users } from '@/db/schema';
import { listMembers } from '@/lib/projects/service';
import { createTestProject, openTestDb, type TestProjectFixture } from '../../helpers/db';

let handle: DbHandle;
let a: TestProjectFixture;
let b: TestProjectFixture;

beforeAll(async () => {
  handle = await openTestDb();
  a = await createTestProject(handle.db, 'Members A');
  b = await createTestProject(handle.db, 'Members B');
});
afterAll(async () => handle?.close());

describe('project members', () => {
  it('lists every member of this project with their role, to any member', async () => {
    const members = await listMembers({ ctx: a.ctx('viewer') });
    expect(members.map((m) => [m.id, m.role]).sort()).toEqual(
      [
        [a.users.viewer.id, 'viewer'],
        [a.users.editor.id, 'editor'],
        [a.users.admin.id, 'admin'],
      ].sort(),
    );
    expect(members.some((m) => m.id === b.users.viewer.id)).toBe(false);
  });

  it('leaves out deactivated users, who can no longer own anything', async () => {
    await handle.db.update(users).set({ isActive: false }).where(eq(users.id, b.users.editor.id));
    const members = await listMembers({ ctx: b.ctx('admin') });
    expect(members.map((m) => m.id).sort()).toEqual([b.users.viewer.id, b.users.admin.id].sort());
  });
});
