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

/**
 * Redis settings the benchmarks' own redis-server runs with, as docker-compose.yml and
 * docs/reliability.md recommend: a comment's hash (its largest values are the comment and decision
 * JSON, a few hundred bytes) stays in Redis's compact listpack encoding, ~300 bytes less per comment
 * than a hash table. Hashes with a larger value fall back to a hash table by themselves.
 */
export const RECOMMENDED_REDIS_ARGS = ['--hash-max-listpack-value', '1024'];
