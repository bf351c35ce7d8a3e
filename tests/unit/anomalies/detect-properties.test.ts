import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectColumns,
  detectSeries,
  type DetectOptions,
  type Point,
  SEVERITY_RANK,
} from '@/lib/anomalies/detect';
import { generateScenario, SCENARIOS } from '@/lib/anomalies/synthetic';
import { HOUR, START } from './fixtures';

const awkwardValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53 + 2, -(2 ** 60), 1e308, -1e-300, 0, -0),
  },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.constant(null) },
);

const awkwardTime = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 2000 }).map((k) => START + k * HOUR) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e300, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.double() },
);

const awkwardPoints = fc.array(fc.record({ t: awkwardTime, value: awkwardValue }), { maxLength: 400 });

const awkwardOptions: fc.Arbitrary<DetectOptions> = fc.record({
  valueKind: fc.constantFrom('count' as const, 'fractional' as const),
  interval: fc.constantFrom('hour' as const, 'day' as const, 'week' as const),
  sensitivity: fc.oneof(fc.double(), fc.integer({ min: 1, max: 10 })),
  minHistory: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constant(NaN)),
  minAbsoluteEffect: fc.oneof(fc.double(), fc.constant(undefined)),
  minRelativeEffect: fc.oneof(fc.double(), fc.constant(undefined)),
});

describe('detectSeries properties', () => {
  it('never throws and always returns well-formed output, whatever the input', () => {
    fc.assert(
      fc.property(awkwardPoints, awkwardOptions, (points, opts) => {
        const scored = detectSeries(points as Point[], opts);
        expect(scored).toHaveLength(points.length);
        for (const s of scored) {
          expect(s.score).toBeGreaterThanOrEqual(0);
          expect(s.score).toBeLessThanOrEqual(1);
          for (const v of [s.expected, s.lower, s.upper]) expect(v === null || Number.isFinite(v)).toBe(true);
          if (s.lower !== null && s.upper !== null) expect(s.lower).toBeLessThanOrEqual(s.upper);
          if (s.insufficient) expect(s.score).toBe(0);
          expect(s.severity === 'none').toBe(s.direction === null);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is causal: appending future points never changes earlier outputs', () => {
    const series = SCENARIOS.flatMap((scenario) =>
      (['hour', 'day'] as const).map((interval) =>
        generateScenario({
          scenario,
          shape: scenario === 'clean' ? 'ratio' : 'count-large',
          interval,
          seed: 17,
        }),
      ),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: series.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, cut) => {
          const { points, valueKind, interval } = series[s]!;
          const prefix = Math.floor(cut * points.length);
          const full = detectSeries(points, { valueKind, interval });
          expect(detectSeries(points.slice(0, prefix), { valueKind, interval })).toEqual(
            full.slice(0, prefix),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is causal on arbitrary input too', () => {
    fc.assert(
      fc.property(
        fc.array(awkwardValue, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 300 }),
        awkwardOptions,
        (values, cut, opts) => {
          const points = values.map((value, i) => ({ t: START + i * HOUR, value }));
          const full = detectSeries(points, opts);
          expect(detectSeries(points.slice(0, cut), opts)).toEqual(full.slice(0, cut));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same answer as columns (NaN for null, severity ranks, direction signs)', () => {
    fc.assert(
      fc.property(awkwardPoints, awkwardOptions, (points, opts) => {
        const scored = detectSeries(points as Point[], opts);
        const columns = detectColumns(points as Point[], opts);
        scored.forEach((s, i) => {
          expect(s.expected ?? NaN).toBe(columns.expected[i]);
          expect(s.lower ?? NaN).toBe(columns.lower[i]);
          expect(s.upper ?? NaN).toBe(columns.upper[i]);
          expect(s.score).toBe(columns.score[i]);
          expect(SEVERITY_RANK[s.severity]).toBe(columns.severity[i]);
          expect(s.direction === 'up' ? 1 : s.direction === 'down' ? -1 : 0).toBe(columns.direction[i]);
          expect(s.insufficient).toBe(columns.insufficient[i] === 1);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic', () => {
    const { points, valueKind, interval } = generateScenario({
      scenario: 'spike',
      shape: 'average',
      interval: 'hour',
      seed: 2,
    });
    expect(detectSeries(points, { valueKind, interval })).toEqual(
      detectSeries(points, { valueKind, interval }),
    );
  });
});
