/** Planting series and anomalies directly, the way the detection pipeline leaves them, plus rule inputs. */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { anomalies, metricValues } from '@/db/schema';

export const HOUR = 3_600_000;
export const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Looks like a Slack or generic webhook path: a credential that must never be shown or logged. */
export const SECRET_PATH = '/hooks/T000SENTINEL/B000SENTINEL/XyZsentinelPathSecret';

/** A tick time five minutes into the current hour: the bucket before it is the latest complete one. */
export function tickNow(): Date {
  return new Date(Math.floor(Date.now() / HOUR) * HOUR + 5 * 60_000);
}

/** The start of the bucket `n` hours before the latest complete bucket at `now` (0 = the latest). */
export function bucketBefore(now: Date, n: number): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR - (n + 1) * HOUR);
}

export async function plantValues(
  db: DbOrTx,
  metricId: string,
  points: { at: Date; value: number | null }[],
) {
  if (points.length === 0) return;
  await db
    .insert(metricValues)
    .values(points.map((p) => ({ metricId, bucketStart: p.at, value: p.value })))
    .onConflictDoUpdate({
      target: [metricValues.metricId, metricValues.bucketStart],
      set: { value: sql`excluded.value` },
    });
}

export async function plantAnomaly(
  db: DbOrTx,
  input: {
    projectId: string;
    metricId: string;
    at: Date;
    value: number;
    severity?: 'low' | 'medium' | 'high';
    direction?: 'up' | 'down';
    status?: 'active' | 'resolved';
  },
) {
  const [row] = await db
    .insert(anomalies)
    .values({
      projectId: input.projectId,
      metricId: input.metricId,
      bucketStart: input.at,
      value: input.value,
      expected: 100,
      lower: 80,
      upper: 120,
      score: 0.97,
      severity: input.severity ?? 'high',
      direction: input.direction ?? 'up',
      status: input.status ?? 'active',
    })
    .returning();
  if (!row) throw new Error('no anomaly inserted');
  return row;
}

/** A normal hourly history ending at the latest complete bucket. */
export async function plantHistory(db: DbOrTx, metricId: string, now: Date, hours = 6, value = 100) {
  await plantValues(
    db,
    metricId,
    Array.from({ length: hours }, (_, i) => ({ at: bucketBefore(now, i), value })),
  );
}

export function webhookRuleInput(
  url: string,
  overrides: Record<string, unknown> & { metricIds?: string[] } = {},
): Record<string, unknown> {
  const { metricIds, ...rest } = overrides;
  return {
    name: 'Orders watch',
    scope: metricIds ? { type: 'metrics', metricIds } : { type: 'all' },
    condition: { type: 'anomaly', minSeverity: 'medium', direction: 'both' },
    pendingBuckets: 1,
    channel: { type: 'webhook', url, signingSecret: SIGNING_SECRET },
    ...rest,
  };
}
