/** What every benchmark script shares: its command-line flags and percentiles. */
import { createHash } from 'node:crypto';
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

/**
 * Milliseconds a fixed CPU-bound workload takes in this process (JSON, hashing, regular expressions and
 * string building, the kinds of work the service does), the fastest of `rounds` (the first ones also warm the code up). The machine may be
 * shared: the same code runs up to twice as slow at busy times, so a bench prints this beside its figures
 * to tell a slower machine from slower code. Lower is faster.
 */
export function referenceWorkloadMs(rounds = 12): number {
  const record = { id: 'c1', articleId: 'a1', author: { id: 'u1', name: 'Reader 1' }, body: 'The council should publish the figures before the vote, not after it. '.repeat(4) };
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 2_000; i++) {
      const text = JSON.stringify({ ...record, id: `c${i}` });
      sink += (JSON.parse(text) as typeof record).body.length;
      sink += createHash('sha256').update(text).digest('hex').charCodeAt(0);
      sink += text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').length;
    }
    best = Math.min(best, performance.now() - t0);
  }
  if (sink < 0) throw new Error('unreachable');
  return best;
}
