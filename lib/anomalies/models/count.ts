// Counts are not Gaussian when they are small: under Poisson noise the variance equals the mean, and the
// Anscombe transform 2·√(x + 3/8) turns Poisson(μ) into roughly N(2·√(μ + 3/8), 1) — skewed the right
// way, so a drop from 25 to 0 is as surprising as it should be. Over-dispersed counts (variance above the
// mean) widen that by the dispersion σ / √(μ + 3/8) measured from the data; never narrower than Poisson.
// The engine's count band is the inverse: (√(μ + 3/8) ± z·max(1, dispersion)/2)² − 3/8.

export const ANSCOMBE = 0.375;

/** |x − μ| in noise units for a count; `root` is √(μ + 3/8), `perSigma` 1/σ of the empirical noise. */
export function measureCountZ(x: number, root: number, sigma: number, perSigma: number): number {
  const diff = 2 * Math.abs(Math.sqrt(x + ANSCOMBE) - root);
  return sigma > root ? diff * root * perSigma : diff;
}
