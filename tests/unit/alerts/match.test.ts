/** The pure alert core: scope, conditions, the state machine, replay and incident grouping. */
import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  currentStreak,
  groupIncidents,
  isInScope,
  isMuted,
  isSnoozed,
  mergeFacts,
  replayFirings,
  stepState,
  type AnomalyFact,
  type BucketFact,
  type StoredState,
} from '@/lib/alerts/match';
import type { AlertCondition } from '@/lib/alerts/schemas';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const at = (h: number) => new Date(T0 + h * HOUR);

function anomaly(overrides: Partial<AnomalyFact> = {}): AnomalyFact {
  return {
    id: 'a',
    severity: 'high',
    direction: 'up',
    score: 0.9,
    value: 200,
    expected: 100,
    lower: 80,
    upper: 120,
    ...overrides,
  };
}

const fact = (h: number, value: number | null, a: AnomalyFact | null = null): BucketFact => ({
  bucketStart: at(h),
  value,
  anomaly: a,
});

const anomalyRule: AlertCondition = { type: 'anomaly', minSeverity: 'medium', direction: 'both' };

describe('scope, snooze and mute', () => {
  it('matches all, any listed tag, or listed metrics', () => {
    const metric = { id: 'm1', tags: ['revenue', 'core'] };
    expect(isInScope({ type: 'all' }, metric)).toBe(true);
    expect(isInScope({ type: 'tags', tags: ['ops', 'core'] }, metric)).toBe(true);
    expect(isInScope({ type: 'tags', tags: ['ops'] }, metric)).toBe(false);
    expect(isInScope({ type: 'metrics', metricIds: ['m2', 'm1'] }, metric)).toBe(true);
    expect(isInScope({ type: 'metrics', metricIds: ['m2'] }, metric)).toBe(false);
  });

  it('snoozes until the instant given, and mutes inside half-open windows', () => {
    expect(isSnoozed(at(2), at(1))).toBe(true);
    expect(isSnoozed(at(2), at(2))).toBe(false);
    expect(isSnoozed(null, at(1))).toBe(false);
    const windows = [{ startsAt: at(1).toISOString(), endsAt: at(3).toISOString() }];
    expect(isMuted(windows, at(0))).toBe(false);
    expect(isMuted(windows, at(1))).toBe(true);
    expect(isMuted(windows, at(3))).toBe(false);
  });
});

describe('conditions', () => {
  it('needs an anomaly at or above the minimum severity in a matching direction', () => {
    expect(conditionHolds(anomalyRule, fact(0, 200, anomaly({ severity: 'medium' })))).toBe(true);
    expect(conditionHolds(anomalyRule, fact(0, 200, anomaly({ severity: 'low' })))).toBe(false);
    expect(conditionHolds(anomalyRule, fact(0, 200))).toBe(false);
    const down: AlertCondition = { type: 'anomaly', minSeverity: 'low', direction: 'down' };
    expect(conditionHolds(down, fact(0, 200, anomaly({ direction: 'up' })))).toBe(false);
    expect(conditionHolds(down, fact(0, 20, anomaly({ direction: 'down', severity: 'low' })))).toBe(true);
  });

  it('compares thresholds strictly, and a gap crosses none', () => {
    expect(conditionHolds({ type: 'above', threshold: 10 }, fact(0, 10))).toBe(false);
    expect(conditionHolds({ type: 'above', threshold: 10 }, fact(0, 10.5))).toBe(true);
    expect(conditionHolds({ type: 'below', threshold: 10 }, fact(0, 9))).toBe(true);
    expect(conditionHolds({ type: 'below', threshold: 10 }, fact(0, null))).toBe(false);
    expect(conditionHolds({ type: 'above', threshold: -1 }, fact(0, null))).toBe(false);
  });

  it('counts the streak from the newest bucket, up to the limit', () => {
    const above: AlertCondition = { type: 'above', threshold: 10 };
    const newestFirst = [fact(4, 20), fact(3, 20), fact(2, 5), fact(1, 20)];
    expect(currentStreak(above, newestFirst, 5)).toBe(2);
    expect(currentStreak(above, newestFirst, 1)).toBe(1);
    expect(currentStreak(above, [fact(4, 5), fact(3, 20)], 5)).toBe(0);
  });
});

describe('the state machine', () => {
  const step = (before: StoredState | null, streak: number, pendingBuckets = 1, h = 0) =>
    stepState(before, { streak, pendingBuckets, latestBucket: at(h) });

  it('records nothing while nothing has happened', () => {
    expect(step(null, 0)).toBeNull();
  });

  it('fires once, stays firing while the condition holds, and resolves once', () => {
    const fired = step(null, 1, 1, 0);
    expect(fired).toMatchObject({ state: 'firing', transition: 'firing', since: at(0) });
    const still = step(fired, 1, 1, 1);
    expect(still).toMatchObject({ state: 'firing', transition: null, since: at(0) });
    const again = step(still, 1, 1, 1);
    expect(again?.transition).toBeNull();
    const resolved = step(again, 0, 1, 2);
    expect(resolved).toMatchObject({ state: 'resolved', transition: 'resolved' });
    expect(step(resolved, 0, 1, 2)?.transition).toBeNull();
  });

  it('waits in pending for the given number of buckets, and drops back quietly', () => {
    const first = step(null, 1, 3, 0);
    expect(first).toMatchObject({ state: 'pending', pendingCount: 1, transition: null, since: at(0) });
    const second = step(first, 2, 3, 1);
    expect(second).toMatchObject({ state: 'pending', pendingCount: 2, since: at(0) });
    expect(step(second, 3, 3, 2)).toMatchObject({ state: 'firing', transition: 'firing' });
    expect(step(second, 0, 3, 2)).toMatchObject({ state: 'resolved', transition: null });
  });
});

describe('replay', () => {
  it('counts firings the way live evaluation sends them', () => {
    const above = { condition: { type: 'above', threshold: 10 } as AlertCondition, pendingBuckets: 1 };
    const history = [5, 20, 20, 5, 20, 5, 20].map((v, h) => fact(h, v));
    expect(replayFirings(above, history)).toBe(3);
    expect(replayFirings({ ...above, pendingBuckets: 2 }, history)).toBe(1);
    expect(replayFirings({ ...above, pendingBuckets: 3 }, history)).toBe(0);
    expect(replayFirings(above, [])).toBe(0);
  });

  it('merges values and anomalies into one fact per bucket, newest first', () => {
    const merged = mergeFacts(
      [
        { bucketStart: at(0), value: 1 },
        { bucketStart: at(1), value: 2 },
      ],
      [
        { ...anomaly({ id: 'x' }), bucketStart: at(1) },
        { ...anomaly({ id: 'y', value: 7 }), bucketStart: at(2) },
      ],
    );
    expect(merged.map((f) => [f.bucketStart.getTime(), f.value, f.anomaly?.id ?? null])).toEqual([
      [at(2).getTime(), 7, 'y'],
      [at(1).getTime(), 2, 'x'],
      [at(0).getTime(), 1, null],
    ]);
  });
});

describe('incidents', () => {
  it('groups transitions of one event and bucket that share a fact table, transitively', () => {
    const t = (metricId: string, factTableIds: string[], event: 'firing' | 'resolved' = 'firing', h = 0) => ({
      metricId,
      factTableIds,
      event,
      bucket: at(h),
    });
    const groups = groupIncidents([
      t('a', ['orders']),
      t('b', ['orders', 'refunds']),
      t('c', ['refunds']),
      t('d', ['sessions']),
      t('e', ['orders'], 'resolved'),
      t('f', ['orders'], 'firing', 1),
      t('g', []),
    ]);
    expect(groups.map((g) => g.map((x) => x.metricId))).toEqual([
      ['a', 'b', 'c'],
      ['d'],
      ['e'],
      ['f'],
      ['g'],
    ]);
  });
});
