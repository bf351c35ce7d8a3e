import { describe, expect, it } from 'vitest';
import { detectSeries } from '@/lib/anomalies/detect';
import { createRng, generateScenario, sampleNormal } from '@/lib/anomalies/synthetic';
import type { Point } from '@/lib/anomalies/types';
import { buildSeasonalHourly, countAlerts, DAY, HOUR, isAlert, START } from './fixtures';

const HOURLY_COUNTS = { valueKind: 'count', interval: 'hour' } as const;

describe('detectSeries on seasonal series', () => {
  it('finds a planted spike with high severity and leaves the same hour on other days alone', () => {
    const points = buildSeasonalHourly(35);
    const spike = 24 * 24 + 14; // day 24, 14:00
    points[spike] = { t: points[spike]!.t, value: (points[spike]!.value as number) * 2 };
    const scored = detectSeries(points, HOURLY_COUNTS);
    expect(scored[spike]!.severity).toBe('high');
    expect(scored[spike]!.direction).toBe('up');
    for (let day = 8; day < 35; day++) {
      if (day === 24) continue;
      expect(isAlert(scored[day * 24 + 14]!.severity)).toBe(false);
    }
  });

  it('raises nothing on a clean seasonal series with noise', () => {
    for (const shape of ['count-small', 'count-large', 'ratio', 'average'] as const) {
      for (const interval of ['hour', 'day'] as const) {
        const s = generateScenario({ scenario: 'clean', shape, interval, seed: 11 });
        const scored = detectSeries(s.points, { valueKind: s.valueKind, interval });
        expect(countAlerts(scored), `${shape}/${interval}`).toBe(0);
      }
    }
  });

  it('flags a lasting level shift at its start, then takes it as the new normal', () => {
    const points = buildSeasonalHourly(42);
    const shift = 28 * 24 + 10;
    for (let i = shift; i < points.length; i++)
      points[i] = { t: points[i]!.t, value: (points[i]!.value as number) * 1.6 };
    const scored = detectSeries(points, HOURLY_COUNTS);
    expect(countAlerts(scored, shift, shift + 6)).toBeGreaterThan(0);
    expect(countAlerts(scored, shift + 24)).toBe(0);
  });

  it('does not read a gap as a drop', () => {
    const points = buildSeasonalHourly(35);
    const gapStart = 25 * 24 + 3;
    for (let i = gapStart; i < gapStart + 30; i++) points[i] = { t: points[i]!.t, value: null };
    const scored = detectSeries(points, HOURLY_COUNTS);
    for (let i = gapStart; i < gapStart + 30; i++) {
      expect(scored[i]).toMatchObject({ insufficient: true, score: 0, severity: 'none' });
      expect(scored[i]!.expected).not.toBeNull();
    }
    expect(countAlerts(scored)).toBe(0);
  });

  it('treats values it cannot trust as gaps, never as alerts (NaN, ±Infinity, beyond 2^53, negative counts)', () => {
    const points = buildSeasonalHourly(30);
    const bad = [NaN, Infinity, -Infinity, 2 ** 60, -5, -(2 ** 60)];
    bad.forEach((value, k) => (points[500 + 7 * k] = { t: points[500 + 7 * k]!.t, value }));
    const scored = detectSeries(points, HOURLY_COUNTS);
    bad.forEach((_, k) => expect(scored[500 + 7 * k]).toMatchObject({ insufficient: true, score: 0 }));
    expect(countAlerts(scored)).toBe(0);
  });

  it('scores unsorted input in time order and returns it in input order', () => {
    const points = buildSeasonalHourly(20);
    const permutation = points.map((_, i) => (i * 7919) % points.length);
    const shuffled = permutation.map((i) => points[i]!);
    const sorted = detectSeries(points, HOURLY_COUNTS);
    const scored = detectSeries(shuffled, HOURLY_COUNTS);
    permutation.forEach((original, position) => expect(scored[position]).toEqual(sorted[original]));
  });

  it('scores one value per duplicated timestamp: the last valid occurrence, like an upsert', () => {
    const points = buildSeasonalHourly(20);
    const dup = 400;
    const withDuplicates: Point[] = [
      ...points.slice(0, dup + 1),
      { t: points[dup]!.t, value: 999999 },
      ...points.slice(dup + 1),
    ];
    const scored = detectSeries(withDuplicates, HOURLY_COUNTS);
    expect(scored[dup]).toMatchObject({ insufficient: true, score: 0 });
    expect(scored[dup]!.expected).toBe(scored[dup + 1]!.expected);
    expect(scored[dup + 1]!.insufficient).toBe(false);
    expect(scored[dup + 1]!.severity).toBe('high');
  });

  it('keeps buckets marked expected out of the baseline', () => {
    const points = buildSeasonalHourly(35);
    const start = 25 * 24;
    for (let i = start; i < start + 48; i++)
      points[i] = { t: points[i]!.t, value: (points[i]!.value as number) * 3 };
    const excluded = (i: number) => i >= start && i < start + 48;
    const scored = detectSeries(points, { ...HOURLY_COUNTS, excluded });
    // Not learned: the tripled stretch stays anomalous to the end instead of becoming the new normal …
    expect(isAlert(scored[start + 47]!.severity)).toBe(true);
    // … and the series after it is judged against the old baseline.
    expect(countAlerts(scored, start + 48)).toBe(0);
  });
});

describe('detectSeries on other cadences', () => {
  it('scores five-minute data on a finer day shape: finds a spike, stays quiet elsewhere', () => {
    const rng = createRng(3);
    const step = 5 * 60_000;
    const points = Array.from({ length: 4 * 288 }, (_, i) => {
      const t = START + i * step;
      const minute = (t / 60_000) % 1440;
      const value = 50 + 20 * Math.sin((2 * Math.PI * minute) / 1440) + 3 * sampleNormal(rng);
      return { t, value: i === 900 ? value + 40 : value };
    });
    const scored = detectSeries(points, { valueKind: 'fractional', interval: 'hour' });
    expect(isAlert(scored[900]!.severity)).toBe(true);
    expect(countAlerts(scored)).toBe(1);
  });

  it('keeps weekdays of daily buckets that start at a local midnight, across DST changes', () => {
    const s = generateScenario({ scenario: 'spike', shape: 'count-large', interval: 'day', seed: 9 });
    // Europe/Berlin midnight is 23:00 UTC in winter and 22:00 UTC in summer (DST from 31 March 2024).
    const dstStart = Date.UTC(2024, 2, 31);
    const local = s.points.map((p) => ({ t: p.t - (p.t >= dstStart ? 2 : 1) * HOUR, value: p.value }));
    const opts = { valueKind: s.valueKind, interval: 'day' } as const;
    expect(detectSeries(local, opts)).toEqual(detectSeries(s.points, opts));
  });

  it('scores weekly data', () => {
    const rng = createRng(4);
    const points = Array.from({ length: 104 }, (_, i) => ({
      t: START + i * 7 * DAY,
      value: Math.round(1000 + 30 * sampleNormal(rng)) + (i === 90 ? 400 : 0),
    }));
    const scored = detectSeries(points, { valueKind: 'count', interval: 'week' });
    expect(scored[7]!.insufficient).toBe(true);
    expect(isAlert(scored[90]!.severity)).toBe(true);
    expect(countAlerts(scored)).toBe(1);
  });
});

describe('detectSeries history and effect size', () => {
  it('marks the first minHistory valid points insufficient and scores from there on', () => {
    const points = buildSeasonalHourly(10);
    points[3] = { t: points[3]!.t, value: null };
    const scored = detectSeries(points, { ...HOURLY_COUNTS, minHistory: 48 });
    // 48 valid points plus the gap at index 3.
    for (let i = 0; i <= 48; i++)
      expect(scored[i]).toMatchObject({ insufficient: true, score: 0, expected: null });
    expect(scored[49]!.insufficient).toBe(false);
    expect(scored[49]!.expected).not.toBeNull();
  });

  it('never alerts with fewer points than the minimum history, however wild they are', () => {
    const points = Array.from({ length: 20 }, (_, i) => ({ t: START + i * DAY, value: i === 19 ? 1e9 : 1 }));
    const scored = detectSeries(points, { valueKind: 'count', interval: 'day' });
    expect(scored.every((s) => s.insufficient && s.score === 0)).toBe(true);
  });

  it('does not alert on tiny moves of a zero-variance series, but does when it breaks hugely', () => {
    const points = Array.from({ length: 400 }, (_, i) => ({ t: START + i * HOUR, value: 100 }));
    points[300] = { t: points[300]!.t, value: 101 };
    points[320] = { t: points[320]!.t, value: 99.5 };
    points[350] = { t: points[350]!.t, value: 300 };
    for (const valueKind of ['count', 'fractional'] as const) {
      const scored = detectSeries(points, { valueKind, interval: 'hour' });
      expect(scored[300]!.severity).toBe('none');
      expect(scored[320]!.severity).toBe('none');
      expect(scored[350]!.severity).toBe('high');
      expect(countAlerts(scored)).toBe(1);
    }
  });

  it('respects the minimum absolute and relative effect', () => {
    const points = buildSeasonalHourly(30, 3, 20);
    points[600] = { t: points[600]!.t, value: (points[600]!.value as number) + 40 };
    const base = detectSeries(points, HOURLY_COUNTS);
    expect(isAlert(base[600]!.severity)).toBe(true);
    expect(isAlert(detectSeries(points, { ...HOURLY_COUNTS, minAbsoluteEffect: 100 })[600]!.severity)).toBe(
      false,
    );
    expect(isAlert(detectSeries(points, { ...HOURLY_COUNTS, minRelativeEffect: 10 })[600]!.severity)).toBe(
      false,
    );
  });

  it('never raises fewer alerts at a higher sensitivity', () => {
    for (const scenario of ['spike', 'level-up', 'variance', 'seasonality-break'] as const) {
      const s = generateScenario({ scenario, shape: 'ratio', interval: 'hour', seed: 5 });
      let previous: number[] | null = null;
      for (let sensitivity = 1; sensitivity <= 10; sensitivity++) {
        const scores = detectSeries(s.points, { valueKind: s.valueKind, interval: 'hour', sensitivity }).map(
          (o) => o.score,
        );
        if (previous !== null)
          scores.forEach((score, i) => expect(score).toBeGreaterThanOrEqual(previous![i]!));
        previous = scores;
      }
    }
  });
});
