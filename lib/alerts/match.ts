/**
 * Alert matching, pure: which metrics a rule watches, whether its condition holds at a bucket, and the state
 * machine per (rule, metric). The live evaluation and the 30-day preview both step through `stepState`, so the
 * preview counts exactly the firings the rule would have sent.
 *
 * A state is a function of the stored data and the previous state, never of how often evaluation ran: the streak
 * is counted from the latest buckets themselves, so running evaluation twice over the same data changes nothing.
 */
import type { AlertCondition, AlertScope, AlertStateValue, MuteWindow, Severity } from './schemas';

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

export type AnomalyFact = {
  id: string;
  severity: Severity;
  direction: 'up' | 'down';
  score: number;
  value: number | null;
  expected: number;
  lower: number;
  upper: number;
};

/** One bucket of a metric as evaluation sees it: the stored value and the whole-metric anomaly, if any. */
export type BucketFact = { bucketStart: Date; value: number | null; anomaly: AnomalyFact | null };

export function isInScope(scope: AlertScope, metric: { id: string; tags: readonly string[] }): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'tags':
      return scope.tags.some((t) => metric.tags.includes(t));
    case 'metrics':
      return scope.metricIds.includes(metric.id);
    default: {
      const never: never = scope;
      return never;
    }
  }
}

export function isSnoozed(snoozedUntil: Date | null, now: Date): boolean {
  return snoozedUntil !== null && snoozedUntil.getTime() > now.getTime();
}

/** Windows are half-open: [startsAt, endsAt). */
export function isMuted(windows: readonly MuteWindow[], now: Date): boolean {
  const t = now.getTime();
  return windows.some((w) => Date.parse(w.startsAt) <= t && t < Date.parse(w.endsAt));
}

export function conditionHolds(condition: AlertCondition, fact: BucketFact): boolean {
  switch (condition.type) {
    case 'anomaly': {
      const a = fact.anomaly;
      if (!a) return false;
      if (SEVERITY_RANK[a.severity] < SEVERITY_RANK[condition.minSeverity]) return false;
      return condition.direction === 'both' || condition.direction === a.direction;
    }
    // A gap (null) crosses no threshold: division by zero is not "below 5".
    case 'above':
      return fact.value !== null && fact.value > condition.threshold;
    case 'below':
      return fact.value !== null && fact.value < condition.threshold;
    default: {
      const never: never = condition;
      return never;
    }
  }
}

/** How many of the latest buckets in a row (newest first) meet the condition, counting at most `limit`. */
export function currentStreak(
  condition: AlertCondition,
  newestFirst: readonly BucketFact[],
  limit: number,
): number {
  let streak = 0;
  for (const fact of newestFirst) {
    if (streak >= limit || !conditionHolds(condition, fact)) break;
    streak++;
  }
  return streak;
}

export type StoredState = {
  state: AlertStateValue;
  pendingCount: number;
  since: Date;
  lastBucket: Date | null;
};

export type Step = StoredState & { transition: 'firing' | 'resolved' | null };

/**
 * The next state of one (rule, metric) at `latestBucket`, or null when there is nothing to record (no state yet
 * and the condition does not hold). Fires when the condition has held for `pendingBuckets` buckets in a row;
 * a firing state resolves at the first latest bucket where the condition no longer holds.
 */
export function stepState(
  before: StoredState | null,
  input: { streak: number; pendingBuckets: number; latestBucket: Date },
): Step | null {
  const { streak, pendingBuckets, latestBucket } = input;
  const at = { lastBucket: latestBucket };
  if (before?.state === 'firing') {
    if (streak >= 1) return { ...before, ...at, pendingCount: streak, transition: null };
    return { state: 'resolved', pendingCount: 0, since: latestBucket, ...at, transition: 'resolved' };
  }
  if (streak >= pendingBuckets) {
    return { state: 'firing', pendingCount: streak, since: latestBucket, ...at, transition: 'firing' };
  }
  if (streak > 0) {
    const since = before?.state === 'pending' ? before.since : latestBucket;
    return { state: 'pending', pendingCount: streak, since, ...at, transition: null };
  }
  if (before === null) return null;
  // Pending that never fired goes quietly back to normal: nobody was told, so nobody is told it is over.
  return {
    state: 'resolved',
    pendingCount: 0,
    since: before.state === 'pending' ? latestBucket : before.since,
    ...at,
    transition: null,
  };
}

/**
 * Replays a rule over one metric's history (oldest first) and counts the firings it would have sent. The same
 * state machine as live evaluation, bucket by bucket.
 */
export function replayFirings(
  rule: { condition: AlertCondition; pendingBuckets: number },
  oldestFirst: readonly BucketFact[],
): number {
  let state: StoredState | null = null;
  let streak = 0;
  let firings = 0;
  for (const fact of oldestFirst) {
    streak = conditionHolds(rule.condition, fact) ? Math.min(streak + 1, rule.pendingBuckets) : 0;
    const step = stepState(state, {
      streak,
      pendingBuckets: rule.pendingBuckets,
      latestBucket: fact.bucketStart,
    });
    if (step?.transition === 'firing') firings++;
    if (step) state = step;
  }
  return firings;
}

export type Transition = {
  metricId: string;
  event: 'firing' | 'resolved';
  /** The bucket evaluation stood at when the transition happened. */
  bucket: Date;
  /** Fact tables the metric reads: metrics sharing one at the same bucket are one incident. */
  factTableIds: readonly string[];
};

/**
 * Groups one rule's transitions of one tick into incidents: same event, same bucket, and connected through a
 * shared fact table (a bad load of `orders` moves every metric on it at once). Order follows the input.
 */
export function groupIncidents<T extends Transition>(transitions: readonly T[]): T[][] {
  const parent = transitions.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      const p = parent[i] ?? i;
      parent[i] = parent[p] ?? p;
      i = p;
    }
    return i;
  };
  const owner = new Map<string, number>();
  transitions.forEach((t, i) => {
    for (const factTableId of t.factTableIds) {
      const key = `${t.event}|${t.bucket.toISOString()}|${factTableId}`;
      const first = owner.get(key);
      if (first === undefined) owner.set(key, i);
      else parent[find(i)] = find(first);
    }
  });
  const groups = new Map<number, T[]>();
  transitions.forEach((t, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), t]);
  });
  return [...groups.values()];
}

/**
 * Merges stored values and whole-metric anomalies into one fact per bucket, newest first. A bucket with an
 * anomaly but no stored value takes the anomaly's value.
 */
export function mergeFacts(
  values: readonly { bucketStart: Date; value: number | null }[],
  found: readonly (AnomalyFact & { bucketStart: Date })[],
): BucketFact[] {
  const byBucket = new Map<number, BucketFact>();
  for (const v of values) {
    byBucket.set(v.bucketStart.getTime(), { bucketStart: v.bucketStart, value: v.value, anomaly: null });
  }
  for (const { bucketStart, ...anomaly } of found) {
    const slot = byBucket.get(bucketStart.getTime());
    if (slot) slot.anomaly = anomaly;
    else byBucket.set(bucketStart.getTime(), { bucketStart, value: anomaly.value, anomaly });
  }
  return [...byBucket.values()].sort((a, b) => b.bucketStart.getTime() - a.bucketStart.getTime());
}
