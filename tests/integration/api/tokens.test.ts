/**
 * API tokens end to end: shown once and stored only as a hash, revocation and last-used times take effect at
 * once, the per-token rate limit answers 429 with Retry-After, and session requests must be same-origin.
 */
import { createHash } from 'node:crypto';
import { and, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { apiTokens, auditEntries } from '@/db/schema';
import { ops } from '@/lib/api/operations';
import { startCollection } from '@/lib/collection/service';
import { reloadEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createApiToken, listApiTokens, revokeApiToken } from '@/lib/tokens/service';
import { bearer, callApi, eq, openApiFixture, ORIGIN, plantAnomaly, type ApiFixture } from './fixture';

const session = vi.hoisted(() => ({ current: null as null | { uid: string; sv: number } }));
vi.mock('next-auth', () => ({ getServerSession: async () => session.current }));

let f: ApiFixture;

beforeAll(async () => {
  f = await openApiFixture('Tokens');
}, 120_000);
afterEach(() => {
  session.current = null;
  vi.useRealTimers();
});
afterAll(async () => f?.close());

const listMetrics = (headers: Record<string, string>) =>
  callApi(ops.listMetrics, { params: { project: f.a.project.slug }, headers });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

/** Every row of every table of the app database, as text. */
async function wholeDatabaseText(): Promise<string> {
  const tables = await queryRows<{ name: string }>(
    f.handle.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  let text = '';
  for (const { name } of tables) {
    const rows = await queryRows<{ row: string }>(
      f.handle.db,
      sql.raw(`select t::text as row from "${name}" t`),
    );
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

describe('creating a token', () => {
  it('returns the token once; the database keeps only its SHA-256 and prefix, the audit log names it', async () => {
    const created = await createApiToken({
      ctx: f.a.ctx('admin'),
      input: { name: '  Nightly export  ', role: 'viewer' },
    });
    expect(created.secret).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    expect(created.token).toMatchObject({
      name: 'Nightly export',
      role: 'viewer',
      prefix: created.secret.slice(0, 10),
      createdBy: { id: f.a.users.admin.id },
      lastUsedAt: null,
      revokedAt: null,
    });
    const [row] = await f.handle.db.select().from(apiTokens).where(eq(apiTokens.id, created.token.id));
    expect(row?.tokenHash).toBe(createHash('sha256').update(created.secret).digest('hex'));

    const everything = await wholeDatabaseText();
    expect(everything).not.toContain(created.secret);
    expect(everything).not.toContain(created.secret.slice(10));
    expect(everything).toContain(row?.tokenHash);

    const listed = await listApiTokens({ ctx: f.a.ctx('viewer') });
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(10));
    expect(JSON.stringify(listed)).not.toContain(row?.tokenHash);
    expect(listed.find((t) => t.id === created.token.id)).toEqual(created.token);

    const audit = await f.handle.db
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.resourceId, created.token.id));
    expect(audit.map((a) => a.action)).toEqual(['api_token.create']);
    expect(audit[0]?.metadata).toMatchObject({ after: { name: 'Nightly export', role: 'viewer' } });
  });

  it('is for admins only, refuses admin tokens and bad names, and writes nothing when refused', async () => {
    const before = (await listApiTokens({ ctx: f.a.ctx('admin') })).length;
    expect(
      await codeOf(createApiToken({ ctx: f.a.ctx('editor'), input: { name: 'x', role: 'viewer' } })),
    ).toBe('forbidden');
    for (const input of [
      { name: 'x', role: 'admin' },
      { name: '', role: 'viewer' },
      { name: 'a\u202Eb', role: 'viewer' },
      { name: 'x', role: 'viewer', projectId: f.b.project.id },
      { name: { select: 1 }, role: 'viewer' },
    ]) {
      expect(await codeOf(createApiToken({ ctx: f.a.ctx('admin'), input })), JSON.stringify(input)).toBe(
        'validation',
      );
    }
    expect((await listApiTokens({ ctx: f.a.ctx('admin') })).length).toBe(before);
  });
});

describe('using a token', () => {
  it('authorizes requests with its own role and records the token as the actor', async () => {
    expect((await listMetrics(bearer(f.tokens.viewer))).status).toBe(200);
    const patch = await callApi(ops.updateMetric, {
      params: { project: f.a.project.slug, metricId: f.ids.countMetric },
      body: { description: 'Set by a token' },
      headers: bearer(f.tokens.editor),
    });
    expect(patch.status).toBe(200);
    const [audit] = await f.handle.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.action, 'metric.update'), eq(auditEntries.projectId, f.a.project.id)));
    expect(audit).toMatchObject({ actorType: 'token', projectId: f.a.project.id });
    expect(audit?.actorLabel).toContain(f.tokens.editor.slice(0, 10));
    expect(audit?.actorLabel).not.toContain(f.tokens.editor.slice(10));
  });

  it('names the token that acknowledged an anomaly, where a person would be named', async () => {
    const anomalyId = await plantAnomaly(f.handle, f.a.project.id, f.ids.seriesMetric);
    const response = await callApi(ops.acknowledgeAnomaly, {
      params: { project: f.a.project.slug, anomalyId },
      headers: bearer(f.tokens.editor),
    });
    expect(response.status).toBe(200);
    const listed = await callApi(ops.listAnomalies, {
      params: { project: f.a.project.slug },
      headers: bearer(f.tokens.viewer),
    });
    const { data } = (await listed.json()) as { data: { id: string; acknowledgedBy: string | null }[] };
    const acknowledgedBy = data.find((a) => a.id === anomalyId)?.acknowledgedBy;
    expect(acknowledgedBy).toMatch(/^token:editor token \(sl_\w+…\)$/);
    expect(acknowledgedBy).toContain(f.tokens.editor.slice(0, 8));
    expect(acknowledgedBy).not.toContain(f.tokens.editor.slice(12));
  });

  it("marks a run a token asked for as the API's, and a person's as manual", async () => {
    const start = async (headers: Record<string, string>) => {
      const response = await callApi(ops.startRun, {
        params: { project: f.a.project.slug },
        body: { kind: 'collect', metricIds: [f.ids.countMetric] },
        headers,
      });
      expect(response.status).toBe(202);
      return (await response.json()) as { trigger: string };
    };
    expect((await start(bearer(f.tokens.editor))).trigger).toBe('api');
    const manual = await startCollection({
      ctx: f.a.ctx('editor'),
      input: { metricIds: [f.ids.countMetric] },
    });
    expect(manual.trigger).toBe('manual');
  });

  it('refuses anything but "Bearer <token>", and never reads a token from the query string', async () => {
    for (const header of [
      `bearer ${f.tokens.viewer}`,
      `Bearer  ${f.tokens.viewer}`,
      f.tokens.viewer,
      'Bearer undefined',
      'Bearer null',
      'Bearer ',
      `Bearer ${f.tokens.viewer.slice(0, -1)}${f.tokens.viewer.endsWith('A') ? 'B' : 'A'}`,
      `Basic ${Buffer.from(`x:${f.tokens.viewer}`).toString('base64')}`,
    ]) {
      const response = await listMetrics({ authorization: header });
      expect(response.status, header).toBe(401);
    }
    const viaQuery = await callApi(ops.listMetrics, {
      params: { project: f.a.project.slug },
      query: { token: f.tokens.viewer },
    });
    expect(viaQuery.status).toBe(401);
  });

  it('is refused the moment it is revoked', async () => {
    const { token, secret } = await createApiToken({
      ctx: f.a.ctx('admin'),
      input: { name: 'short-lived', role: 'editor' },
    });
    expect((await listMetrics(bearer(secret))).status).toBe(200);
    await revokeApiToken({ ctx: f.a.ctx('admin'), input: { tokenId: token.id } });
    const response = await listMetrics(bearer(secret));
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
    expect(await codeOf(revokeApiToken({ ctx: f.a.ctx('admin'), input: { tokenId: token.id } }))).toBe(
      'conflict',
    );
    expect(await codeOf(revokeApiToken({ ctx: f.b.ctx('admin'), input: { tokenId: token.id } }))).toBe(
      'not_found',
    );
    expect(await codeOf(revokeApiToken({ ctx: f.a.ctx('editor'), input: { tokenId: token.id } }))).toBe(
      'forbidden',
    );
    const audit = await f.handle.db.select().from(auditEntries).where(eq(auditEntries.resourceId, token.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['api_token.create', 'api_token.revoke']);
  });

  it('records when it was last used, at most once a minute', async () => {
    const start = new Date('2026-05-04T10:00:05Z');
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const { token, secret } = await createApiToken({
      ctx: f.a.ctx('admin'),
      input: { name: 'reporting', role: 'viewer' },
    });
    const lastUsed = async () =>
      (await listApiTokens({ ctx: f.a.ctx('admin') })).find((t) => t.id === token.id)?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await listMetrics(bearer(secret));
    expect(await lastUsed()).toBe(start.toISOString());
    vi.setSystemTime(new Date(start.getTime() + 30_000));
    await listMetrics(bearer(secret));
    expect(await lastUsed()).toBe(start.toISOString());
    const later = new Date(start.getTime() + 61_000);
    vi.setSystemTime(later);
    await listMetrics(bearer(secret));
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it('is rate limited per token: 429 with Retry-After past the limit, other tokens unaffected', async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = '3';
    reloadEnv();
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-04T11:00:45Z') });
      const { secret } = await createApiToken({
        ctx: f.a.ctx('admin'),
        input: { name: 'busy', role: 'viewer' },
      });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await listMetrics(bearer(secret))).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await listMetrics(bearer(secret));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('15');
      expect((await limited.json()).error.code).toBe('rate_limited');
      expect((await listMetrics(bearer(f.tokens.viewer))).status).toBe(200);
      vi.setSystemTime(new Date('2026-05-04T11:01:01Z'));
      expect((await listMetrics(bearer(secret))).status).toBe(200);
    } finally {
      delete process.env.API_RATE_LIMIT_PER_MINUTE;
      reloadEnv();
    }
  });
});

describe('session requests', () => {
  const archive = (headers: Record<string, string>) =>
    callApi(ops.archiveMetric, {
      params: { project: f.a.project.slug, metricId: f.ids.lifecycleMetric },
      headers,
    });

  it('read without an Origin, but change something only from the app origin (SECURITY A6)', async () => {
    session.current = { uid: f.a.users.editor.id, sv: 1 };
    expect((await listMetrics({})).status).toBe(200);
    expect((await archive({})).status).toBe(403);
    expect((await archive({ origin: 'https://evil.example' })).status).toBe(403);
    expect(
      (await archive({ origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' })).status,
    ).toBe(403);
    expect((await archive({ origin: ORIGIN, 'x-forwarded-host': 'evil.example' })).status).toBe(403);
    expect((await archive({ origin: ORIGIN })).status).toBe(200);
  });

  it('ignore the x-middleware-subrequest header (CVE-2025-29927 shape)', async () => {
    const response = await listMetrics({
      'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
    });
    expect(response.status).toBe(401);
  });
});

describe('every request', () => {
  it('echoes its request id and writes one structured log line with the route pattern', async () => {
    process.env.LOG_LEVEL = 'info';
    reloadEnv();
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const response = await listMetrics({ ...bearer(f.tokens.viewer), 'x-request-id': 'trace-42' });
      expect(response.headers.get('x-request-id')).toBe('trace-42');
      const hostile = await listMetrics({
        ...bearer(f.tokens.viewer),
        'x-request-id': 'a b {"level":"error"}',
      });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      spy.mockRestore();
      process.env.LOG_LEVEL = 'warn';
      reloadEnv();
    }
    const entries = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'api request');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      requestId: 'trace-42',
      route: '/api/v1/projects/{project}/metrics',
      method: 'GET',
      status: 200,
      project: f.a.project.slug,
      actor: expect.stringMatching(/^token:/),
    });
    expect(JSON.stringify(entries)).not.toContain(f.tokens.viewer.slice(10));
  });
});
