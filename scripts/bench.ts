/**
 * `npm run bench -- <name> [options]`: benchmark scripts that print figures and ratios (never timed tests).
 * Each benchmark lives in scripts/bench/<name>.ts and exports main(args).
 */
const BENCHMARKS: Record<string, () => Promise<{ main: (args: string[]) => Promise<void> }>> = {
  detect: () => import('./bench/detect'),
  collect: () => import('./bench/collect'),
  read: () => import('./bench/read'),
  load: () => import('./bench/load'),
};

const [benchmark, ...args] = process.argv.slice(2);
const load = benchmark ? BENCHMARKS[benchmark] : undefined;
if (!load) {
  console.error(`Usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--smoke]`);
  process.exit(2);
}
await (await load()).main(args);

export {};
