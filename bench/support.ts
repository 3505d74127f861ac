/** What every benchmark script shares: its command-line flags and percentiles. */
import { argValue } from '../src/cli/args';

/** A numeric `--name value` (or `--name=value`) flag of this process, or the fallback. */
export function numberArg(name: string, fallback: number): number {
  const value = argValue(process.argv, name);
  return value === undefined ? fallback : Number(value);
}

/** A text `--name value` (or `--name=value`) flag of this process, or the fallback. */
export function textArg(name: string, fallback: string): string {
  return argValue(process.argv, name) ?? fallback;
}

/** The p-th percentile of ascending `sorted` (nearest rank); NaN when there is none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}
