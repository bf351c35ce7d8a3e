/**
 * One collector as a process of its own, for tests of several instances sharing collection: its own postgres.js
 * pool on COLLECTOR_DATABASE_URL (application_name `sightline-collector-<name>`), running scheduled ticks in a
 * loop the way an app instance's timer does, through the default warehouse clients (stored data sources, the
 * outbound guard, run-tagged connections). Prints one JSON line per event on stdout: `ready`, then `run` for each
 * run a tick made. SIGTERM stops it after the tick in progress.
 *
 * Run with `node --import tsx tests/helpers/collector-process.ts` so that a signal reaches the process holding
 * the connections (the tsx command runs the script in a child process of its own).
 *
 *   COLLECTOR_DATABASE_URL   the app database
 *   COLLECTOR_NAME           names the worker (`collector-<name>`) and the pool's application_name
 *   COLLECTOR_CLOCK_OFFSET   ms added to the system clock, so every collector shares one chosen time
 *   COLLECTOR_LEASE_MS       claim and run lease
 *   COLLECTOR_POLICY         the CollectionPolicy as JSON
 *   COLLECTOR_PAUSE_MS       pause between ticks
 */
import { openDb } from '@/db/client';
import { scheduledTick } from '@/lib/collection/engine';
import type { CollectionPolicy } from '@/lib/collection/windows';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const name = required('COLLECTOR_NAME');
const offsetMs = Number(process.env.COLLECTOR_CLOCK_OFFSET ?? 0);
const leaseMs = Number(required('COLLECTOR_LEASE_MS'));
const pauseMs = Number(process.env.COLLECTOR_PAUSE_MS ?? 200);
const policy = JSON.parse(required('COLLECTOR_POLICY')) as CollectionPolicy;
const say = (event: Record<string, unknown>) => console.log(JSON.stringify({ collector: name, ...event }));

const handle = await openDb({
  databaseUrl: required('COLLECTOR_DATABASE_URL'),
  applicationName: `sightline-collector-${name}`,
});
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

say({ event: 'ready', pid: process.pid });
while (!stopping) {
  try {
    const report = await scheduledTick(
      {
        db: handle.db,
        now: () => new Date(Date.now() + offsetMs),
        leaseMs,
        policy,
        workerId: `collector-${name}`,
      },
      { budgetMs: 50_000 },
    );
    for (const { run } of report.runs) say({ event: 'run', runId: run.id, status: run.status });
  } catch (error) {
    say({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
await handle.close();
say({ event: 'stopped' });
