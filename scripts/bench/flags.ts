/** `--name 5` or `--name=5_000`: a positive whole number, or `fallback` when the flag is absent. */
export function positiveFlag(args: readonly string[], name: string, fallback: number): number {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const arg = args[i] as string;
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  const value = Number(String(raw).replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number.`);
  return value;
}
