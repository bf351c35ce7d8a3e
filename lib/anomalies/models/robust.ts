// Small robust-statistics helpers. Every function is allocation-free on the hot path: callers pass a
// scratch buffer, because the detector runs millions of points per second.

/** Median of the first `n` values of `values`, sorting `scratch` in place (insertion sort: n is small). */
export function medianOfFirst(values: ArrayLike<number>, n: number, scratch: Float64Array): number {
  if (n <= 0) return NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (scratch[j] as number) > v) {
      scratch[j + 1] = scratch[j] as number;
      j--;
    }
    scratch[j + 1] = v;
  }
  const mid = n >> 1;
  return n % 2 === 1
    ? (scratch[mid] as number)
    : ((scratch[mid - 1] as number) + (scratch[mid] as number)) / 2;
}

/** Median of an arbitrary-length list (used once per series at initialisation, never per point). */
export function medianOf(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median absolute deviation around the median. */
export function computeMad(values: number[]): number {
  const m = medianOf(values);
  return medianOf(values.map((v) => Math.abs(v - m)));
}
