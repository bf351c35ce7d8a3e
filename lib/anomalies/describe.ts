// The detector's output, column-wise (what the engine writes) and as the public Scored objects.
import type { Direction, Scored, Severity } from './types';

export const INSUFFICIENT: Scored = Object.freeze({
  expected: null,
  lower: null,
  upper: null,
  score: 0,
  severity: 'none',
  direction: null,
  insufficient: true,
}) as Scored;

/** Scores per bucket as columns (NaN for a missing expected value or band). See detectColumns. */
export type DetectColumns = {
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
  /** 0 none, 1 low, 2 medium, 3 high (SEVERITY_RANK). */
  severity: Uint8Array;
  /** 1 up, -1 down, 0 none. */
  direction: Int8Array;
  /** 1 when the bucket was not scored (warm-up, gap, invalid value, duplicate). */
  insufficient: Uint8Array;
};

export function createColumns(n: number): DetectColumns {
  return {
    expected: new Float64Array(n).fill(NaN),
    lower: new Float64Array(n).fill(NaN),
    upper: new Float64Array(n).fill(NaN),
    score: new Float64Array(n),
    severity: new Uint8Array(n),
    direction: new Int8Array(n),
    insufficient: new Uint8Array(n).fill(1),
  };
}

const SEVERITIES: readonly Severity[] = ['none', 'low', 'medium', 'high'];

/**
 * A class rather than an object literal: V8 tracks allocation sites (and may pretenure) only for literals,
 * and pretenured buckets made garbage collection, and so detectSeries, up to 2× slower in the benchmark.
 */
class ScoredBucket implements Scored {
  constructor(
    readonly expected: number | null,
    readonly lower: number | null,
    readonly upper: number | null,
    readonly score: number,
    readonly severity: Severity,
    readonly direction: Direction | null,
    readonly insufficient: boolean,
  ) {}
}

/** The public object shape, one per bucket (shared for buckets with nothing to say). */
export function materialise(cols: DetectColumns): Scored[] {
  const n = cols.score.length;
  const out = new Array<Scored>(n);
  const { expected, lower, upper, score, severity, direction, insufficient } = cols;
  for (let i = 0; i < n; i++) {
    const mu = expected[i] as number;
    if (!Number.isFinite(mu)) {
      out[i] = INSUFFICIENT;
      continue;
    }
    const lo = lower[i] as number;
    const hi = upper[i] as number;
    const dir = direction[i];
    out[i] = new ScoredBucket(
      mu,
      lo === lo ? lo : null,
      hi === hi ? hi : null,
      score[i] as number,
      SEVERITIES[severity[i] as number] as Severity,
      dir === 1 ? 'up' : dir === -1 ? 'down' : null,
      insufficient[i] === 1,
    );
  }
  return out;
}
