/**
 * The ClickHouse client against a stub HTTP server (S8): every request it sends carries the limits as URL
 * settings (never in the SQL), a query_id, and a query with a SETTINGS clause or a table function is never sent.
 * Type buckets and error classification are pure and checked here too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanClickHouseMessage, toClickHouseError } from '@/lib/warehouse/clickhouse-errors';
import {
  bindClickHouseParams,
  ClickHouseWarehouseClient,
  MAX_MEMORY_USAGE,
} from '@/lib/warehouse/clients/clickhouse';
import { WarehouseError } from '@/lib/warehouse/errors';
import { bucketOfClickHouseType } from '@/lib/warehouse/type-buckets';

type Seen = { url: URL; body: string };

let server: http.Server;
let port = 0;
const seen: Seen[] = [];
/** What the stub answers to a query (not to the settings read-back). */
let answer: { status: number; body: string } = { status: 200, body: '' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      seen.push({ url, body });
      if (body.includes('from system.settings')) {
        // Echo the requested settings back, as a server that applied them would.
        const names = ['readonly', 'max_execution_time', 'timeout_overflow_mode', 'max_result_rows'];
        const more = ['result_overflow_mode', 'max_memory_usage'];
        const data = [...names, ...more].map((n) => ['UTC', '18.16.1', n, url.searchParams.get(n)]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ meta: [], data }));
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  answer = {
    status: 200,
    body: JSON.stringify({ meta: [{ name: 'n', type: 'UInt8' }], data: [[1]] }),
  };
});

const connect = () =>
  ClickHouseWarehouseClient.connect(
    { protocol: 'http', host: '127.0.0.1', port, database: 'analytics', user: 'reader', password: 'pw' },
    { queryIdPrefix: 'sightline-unit' },
  );

describe('requests', () => {
  it('carries readonly=1, the time limit, the row cap and a query_id on every request, never in the SQL', async () => {
    const client = connect();
    try {
      await client.runSelect('select 1 as n', [], { timeoutMs: 2_500, maxRows: 50 });
      await client.runSelect('select 2 as n', [], { timeoutMs: 60_000, maxRows: 200_000 });
      await client.test();
    } finally {
      await client.close();
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const { url, body } of seen) {
      expect(url.searchParams.get('readonly'), body).toBe('1');
      expect(url.searchParams.get('result_overflow_mode')).toBe('throw');
      expect(url.searchParams.get('timeout_overflow_mode')).toBe('throw');
      expect(url.searchParams.get('max_memory_usage')).toBe(String(MAX_MEMORY_USAGE));
      expect(Number(url.searchParams.get('max_execution_time'))).toBeGreaterThan(0);
      expect(Number(url.searchParams.get('max_result_rows'))).toBeGreaterThan(0);
      expect(url.searchParams.get('query_id')).toMatch(/^sightline-unit-[0-9a-f-]{36}$/);
      expect(url.searchParams.get('database')).toBe('analytics');
      expect(body).not.toMatch(/settings\s+\w+\s*=/i);
    }
    const queries = seen.filter((s) => s.body.startsWith('select 1') || s.body.startsWith('select 2'));
    expect(
      queries.map((s) => [
        s.url.searchParams.get('max_execution_time'),
        s.url.searchParams.get('max_result_rows'),
      ]),
    ).toEqual([
      ['3', '50'],
      ['60', '200000'],
    ]);
    expect(new Set(seen.map((s) => s.url.searchParams.get('query_id'))).size).toBe(seen.length);
  });

  it('sends nothing for SQL with a SETTINGS clause, a table function or a second statement', async () => {
    const client = connect();
    try {
      for (const sql of [
        'SELECT 1 SETTINGS readonly=0',
        "SELECT * FROM url('http://169.254.169.254/', CSV, 'a String')",
        "select * from remote('10.0.0.1', default.t)",
        'select 1; select 2',
      ]) {
        const error = await client
          .runSelect(sql, [], { timeoutMs: 1_000, maxRows: 10 })
          .catch((e: unknown) => e);
        expect(error, sql).toBeInstanceOf(WarehouseError);
      }
    } finally {
      await client.close();
    }
    expect(seen).toEqual([]);
  });

  it('turns a server error into a classified WarehouseError without boilerplate', async () => {
    answer = {
      status: 404,
      body: "Code: 60, e.displayText() = DB::Exception: Table analytics.nope doesn't exist., e.what() = DB::Exception\n",
    };
    const client = connect();
    try {
      const error = (await client
        .runSelect('select * from nope', [], { timeoutMs: 1_000, maxRows: 10 })
        .catch((e: unknown) => e)) as WarehouseError;
      expect(error).toBeInstanceOf(WarehouseError);
      expect(error.kind).toBe('unknown_object');
      expect(error.message).toBe("Table analytics.nope doesn't exist");
    } finally {
      await client.close();
    }
  });
});

describe('placeholders', () => {
  it('binds values in order of first appearance, outside strings and comments', () => {
    expect(
      bindClickHouseParams(
        "select '{{start}}' -- {{end}}\nwhere t >= {{start}} and t < {{ end }} and u > {{start}}",
        ['2026-01-01T00:00:00.000Z', new Date('2026-01-02T00:00:00Z')],
      ),
    ).toBe(
      "select '{{start}}' -- {{end}}\nwhere t >= toDateTime('2026-01-01 00:00:00', 'UTC') and t < toDateTime('2026-01-02 00:00:00', 'UTC') and u > toDateTime('2026-01-01 00:00:00', 'UTC')",
    );
    expect(() => bindClickHouseParams('select {{start}}', [])).toThrow(/1 placeholders but 0 values/);
    expect(bindClickHouseParams('select 1', [])).toBe('select 1');
  });
});

describe('type buckets', () => {
  it.each([
    ['Int8', 'number'],
    ['UInt64', 'number'],
    ['Float32', 'number'],
    ['Decimal(10, 2)', 'number'],
    ['Decimal64(4)', 'number'],
    ['Nullable(Int32)', 'number'],
    ['LowCardinality(Nullable(Float64))', 'number'],
    ['String', 'string'],
    ['FixedString(3)', 'string'],
    ['LowCardinality(String)', 'string'],
    ['Nullable(String)', 'string'],
    ['UUID', 'string'],
    ['Array(Int32)', 'string'],
    ["Enum8('a' = 1)", 'string'],
    ['Bool', 'boolean'],
    ['Date', 'timestamp'],
    ['Date32', 'timestamp'],
    ['DateTime', 'timestamp'],
    ["DateTime('Europe/Berlin')", 'timestamp'],
    ['DateTime64(3)', 'timestamp'],
    ["Nullable(DateTime64(6, 'UTC'))", 'timestamp'],
  ])('%s is %s', (type, bucket) => {
    expect(bucketOfClickHouseType(type)).toBe(bucket);
  });
});

describe('errors', () => {
  it.each([
    [
      'Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 10, e.what() = DB::Exception',
      'syntax',
    ],
    [
      "Code: 47. DB::Exception: Missing columns: 'x' while processing query. (UNKNOWN_IDENTIFIER) (version 23.8.1.1)",
      'unknown_object',
    ],
    [
      "Code: 60, e.displayText() = DB::Exception: Table default.t doesn't exist., e.what() = DB::Exception",
      'unknown_object',
    ],
    [
      'Code: 159. DB::Exception: Timeout exceeded: elapsed 1.0 seconds, maximum: 1. (TIMEOUT_EXCEEDED)',
      'timeout',
    ],
    ['Code: 396, e.displayText() = DB::Exception: Limit for result exceeded, max rows: 10.00', 'too_large'],
    [
      'Code: 516. DB::Exception: default: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED)',
      'auth',
    ],
    [
      'Code: 193, e.displayText() = DB::Exception: Wrong password for user default, e.what() = DB::Exception',
      'auth',
    ],
    ['Code: 164, e.displayText() = DB::Exception: Cannot insert into table in readonly mode', 'read_only'],
    [
      'Code: 202. DB::Exception: Too many simultaneous queries. Maximum: 100. (TOO_MANY_SIMULTANEOUS_QUERIES)',
      'connection',
    ],
    ['Code: 43. DB::Exception: Illegal type String of argument. (ILLEGAL_TYPE_OF_ARGUMENT)', 'query'],
  ])('%s → %s', (message, kind) => {
    expect(toClickHouseError(new Error(message)).kind).toBe(kind);
  });

  it('maps socket failures to connection errors that can be retried', () => {
    const refused = toClickHouseError(
      Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:8123'), { code: 'ECONNREFUSED' }),
    );
    expect(refused).toMatchObject({ kind: 'connection', retryable: true });
    expect(refused.message).not.toContain('10.1.2.3');
    expect(toClickHouseError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe(
      'connection',
    );
  });

  it('cuts addresses, stack traces and version strings from messages', () => {
    const message = cleanClickHouseMessage(
      'Code: 279. DB::Exception: Received from ch-1.internal:9000. DB::Exception: All connection tries failed to 10.0.0.7:9000 and [2001:db8::1]:9000. (ALL_CONNECTION_TRIES_FAILED) (version 23.8.2.7 (official build))\nStack trace:\n0. DB::Exception::Exception()',
    );
    expect(message).toBe('All connection tries failed to [address] and [address]');
  });
});
