export type ValueKind = 'count' | 'fractional';
export type Interval = 'hour' | 'day' | 'week';
export type Severity = 'none' | 'low' | 'medium' | 'high';
export type Direction = 'up' | 'down';

export type DetectOptions = {
  valueKind: ValueKind;
  interval: Interval;
  /** 1 (quiet) .. 10 (jumpy); default 5. */
  sensitivity?: number;
  /** Valid points needed before anything is scored; defaults per interval (see DEFAULT_MIN_HISTORY). */
  minHistory?: number;
  /** Smallest |value − expected| that may alert, in the metric's unit. */
  minAbsoluteEffect?: number;
  /** Smallest |value − expected| / |expected| that may alert. */
  minRelativeEffect?: number;
  /** Buckets marked "expected" by a user: scored, but kept out of the baseline. Index into the input. */
  excluded?: (index: number) => boolean;
};

export type Point = { t: number; value: number | null };

export type Scored = {
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number;
  severity: Severity;
  direction: Direction | null;
  insufficient: boolean;
};
