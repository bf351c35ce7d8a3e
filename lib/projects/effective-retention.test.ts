import { describe, expect, it } from 'vitest';
import { toProjectRetention, toRetentionOverrides, toStoredRetention } from './effective-retention';
import { updateProjectRetentionInputSchema } from './schemas';

const DEFAULTS = { runsDays: 30, resolvedAnomaliesDays: 180, deliveriesDays: 30 };

describe('effective retention', () => {
  it('uses the project’s days where set and the instance default elsewhere, saying which is which', () => {
    expect(toProjectRetention({ runsDays: 7 }, DEFAULTS)).toEqual({
      windows: {
        runsDays: { days: 7, source: 'project', defaultDays: 30 },
        resolvedAnomaliesDays: { days: 180, source: 'default', defaultDays: 180 },
        deliveriesDays: { days: 30, source: 'default', defaultDays: 30 },
      },
      overrides: { runsDays: 7, resolvedAnomaliesDays: null, deliveriesDays: null },
    });
  });

  it('reads a hand-written value the way the retention pass does: numbers of at least 1, whole days', () => {
    expect(toRetentionOverrides({ runsDays: 0, resolvedAnomaliesDays: '60', deliveriesDays: 7.9 })).toEqual({
      runsDays: null,
      resolvedAnomaliesDays: null,
      deliveriesDays: 7,
    });
    expect(toRetentionOverrides({ runsDays: 0.5, deliveriesDays: null })).toEqual({
      runsDays: null,
      resolvedAnomaliesDays: null,
      deliveriesDays: null,
    });
    for (const stored of [null, undefined, [], 'x', 12]) {
      expect(toProjectRetention(stored, DEFAULTS).windows.runsDays).toEqual({
        days: 30,
        source: 'default',
        defaultDays: 30,
      });
    }
  });

  it('stores only the windows that are set, and nothing when none is', () => {
    expect(toStoredRetention({ runsDays: 7, resolvedAnomaliesDays: null, deliveriesDays: 90 })).toEqual({
      runsDays: 7,
      deliveriesDays: 90,
    });
    expect(
      toStoredRetention({ runsDays: null, resolvedAnomaliesDays: null, deliveriesDays: null }),
    ).toBeNull();
  });

  it('accepts whole days from 1 to 3650 or null, and names the field it refuses', () => {
    const parse = (runsDays: unknown) =>
      updateProjectRetentionInputSchema.safeParse({
        runsDays,
        resolvedAnomaliesDays: null,
        deliveriesDays: 1,
      });
    expect(parse(1).success).toBe(true);
    expect(parse(3650).success).toBe(true);
    expect(parse(null).success).toBe(true);
    for (const bad of [0, 3651, 7.5, Number.NaN, '7', undefined]) {
      const result = parse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['runsDays']);
      expect(result.error?.issues[0]?.message).toMatch(/^Collection runs: enter a whole number of days/);
    }
    expect(
      updateProjectRetentionInputSchema.safeParse({
        runsDays: 7,
        resolvedAnomaliesDays: null,
        deliveriesDays: null,
        projectId: '00000000-0000-4000-8000-000000000000',
      }).success,
    ).toBe(false);
  });
});
