/**
 * The embedded demo warehouse as a WarehouseClient. Queries run in a PGlite worker thread through the same
 * guarded sequence as a Postgres server; the time limit is enforced by terminating the worker, because PGlite
 * itself does not honour statement_timeout.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WarehouseError } from '../errors';
import { runGuardedSelect, type SessionField, type SqlSession } from '../guarded';
import type { ConnectionInfo, QueryLimits, QueryResult, WarehouseClient, WarehouseRow } from '../types';

type Reply = {
  id: number;
  ok: boolean;
  rows: WarehouseRow[];
  fields: SessionField[];
  error?: Record<string, unknown>;
};

const WORKER_FILE = path.join(process.cwd(), 'lib', 'warehouse', 'clients', 'pglite-worker.mjs');
/** Starting the worker opens PGlite (about a second); it does not count against a query's time limit. */
const START_TIMEOUT_MS = 60_000;

class PgliteWorker {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  dead = false;

  constructor(dataDir: string | undefined) {
    this.worker = new Worker(WORKER_FILE, { workerData: { dataDir } });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new WarehouseError('connection', 'The embedded warehouse did not start.')),
        START_TIMEOUT_MS,
      );
      this.worker.once('message', () => {
        clearTimeout(timer);
        this.worker.on('message', (reply: Reply) => {
          this.pending.get(reply.id)?.resolve(reply);
          this.pending.delete(reply.id);
        });
        resolve();
      });
    });
    const fail = (error: Error) => {
      this.dead = true;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', () =>
      fail(new WarehouseError('connection', 'The embedded warehouse stopped unexpectedly.')),
    );
    this.worker.on('exit', () => fail(new WarehouseError('connection', 'The embedded warehouse stopped.')));
  }

  async call(op: 'exec' | 'query', text: string, params: readonly unknown[] = []): Promise<Reply> {
    await this.ready;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, text, params });
    });
    if (!reply.ok) throw Object.assign(new Error(String(reply.error?.message)), reply.error);
    return reply;
  }

  async whenReady(): Promise<void> {
    await this.ready;
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

export class EmbeddedWarehouseClient implements WarehouseClient {
  readonly dialect = 'postgres' as const;
  private worker: PgliteWorker | null = null;
  /** PGlite serves one session: queries take turns. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string | undefined) {}

  private async liveWorker(): Promise<PgliteWorker> {
    if (!this.worker || this.worker.dead) this.worker = new PgliteWorker(this.dataDir);
    await this.worker.whenReady();
    return this.worker;
  }

  runSelect(sql: string, params: readonly unknown[], limits: QueryLimits): Promise<QueryResult> {
    const run = this.queue.then(() => this.runNow(sql, params, limits));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runNow(sql: string, params: readonly unknown[], limits: QueryLimits): Promise<QueryResult> {
    const worker = await this.liveWorker();
    const session: SqlSession = {
      control: async (text) => {
        await worker.call('exec', text);
      },
      query: async (text, values) => {
        const { rows, fields } = await worker.call('query', text, values);
        return { rows, fields };
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new WarehouseError(
            'timeout',
            `canceling statement due to statement timeout (${limits.timeoutMs} ms). The query took longer than the time limit. Narrow it, or aggregate in a smaller window.`,
            '57014',
          ),
        );
      }, limits.timeoutMs);
    });
    const guarded = async () => {
      try {
        return await runGuardedSelect(session, sql, params, { ...limits, searchPath: 'public' });
      } finally {
        // Session-level state (advisory locks, settings) survives a rollback; reset it before the next query.
        await worker.call('exec', 'DISCARD ALL').catch(() => worker.terminate());
      }
    };
    try {
      return await Promise.race([guarded(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async test(): Promise<ConnectionInfo> {
    const started = performance.now();
    const { rows } = await this.runSelect('select version() as version', [], {
      timeoutMs: 10_000,
      maxRows: 1,
    });
    return {
      version: String(rows[0]?.version ?? 'PGlite'),
      latencyMs: Math.round(performance.now() - started),
    };
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
