import { describe, expect, it } from 'vitest';
import type { Scored } from '@/lib/anomalies/detect';
import { flagOf, scoreSeries, toStoredBand } from './band';

const scored = (over: Partial<Scored>): Scored => ({
  expected: 100,
  lower: 80,
  upper: 120,
  score: 0.2,
  severity: 'none',
  direction: null,
  insufficient: false,
  ...over,
});

describe('toStoredBand', () => {
  it('keeps the expected value, the bounds in order and the score', () => {
    expect(toStoredBand(scored({ lower: 130, upper: 70, score: 0.7 }))).toEqual({
      expected: 100,
      lower: 70,
      upper: 130,
      score: 0.7,
    });
  });

  it('stores a forecast without a score where the bucket was not scored (a gap)', () => {
    expect(toStoredBand(scored({ insufficient: true, score: 0 }))).toEqual({
      expected: 100,
      lower: 80,
      upper: 120,
      score: null,
    });
  });

  it('stores no band where a bound is missing or not finite', () => {
    expect(toStoredBand(scored({ upper: null }))).toMatchObject({ lower: null, upper: null });
    expect(toStoredBand(scored({ lower: Number.NEGATIVE_INFINITY }))).toMatchObject({
      lower: null,
      upper: null,
    });
    expect(toStoredBand(scored({ expected: null, lower: null, upper: null, insufficient: true }))).toEqual({
      expected: null,
      lower: null,
      upper: null,
      score: null,
    });
  });
});

describe('flagOf', () => {
  it('flags from the alert severity on, with the detector thresholds', () => {
    expect([null, 0, 0.45, 0.59, 0.6, 0.79, 0.8, 1].map(flagOf)).toEqual([
      null,
      null,
      null,
      null,
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });
});

describe('scoreSeries', () => {
  it('flags exactly the buckets whose stored score flags them', () => {
    const H = 3_600_000;
    const points = Array.from({ length: 24 * 21 }, (_, i) => ({
      t: i * H,
      value: i === 24 * 20 ? 400 : 100 + 20 * Math.sin((2 * Math.PI * (i % 24)) / 24) + (i % 3),
    }));
    const band = scoreSeries(points, { valueKind: 'count', interval: 'hour', sensitivity: 5 });
    expect(band).toHaveLength(points.length);
    expect(band[0]).toEqual({ expected: null, lower: null, upper: null, flag: null });
    expect(band[24 * 20]?.flag).toBe('high');
    expect(band.filter((b) => b.flag !== null).length).toBeLessThan(5);
  });
});
