/**
 * `npm run export:labels [-- --site <id>]`: writes the moderators' decisions kept as labelled
 * examples (see src/infra/label-store.ts) as JSON Lines to stdout, for retraining the classifier.
 * All configured sites by default. When a moderator decided the same version of a comment more than
 * once, only the last decision is written. A summary goes to stderr.
 */
import { loadConfig } from '../config';
import { createKeys, type Keys } from '../src/infra/keys';
import { LabelStore } from '../src/infra/label-store';
import { createRedis, waitForReady, type RedisClient as Redis } from '../src/infra/redis';
import { siteFlag } from '../src/cli/args';

export interface ExportOptions {
  redis: Redis;
  keys: Keys;
  sites: readonly string[];
  /** Receives each JSON line (without the newline); may return a promise to apply backpressure. */
  write: (line: string) => void | Promise<void>;
}

/**
 * Writes the latest label of every (site, comment, version), skipping versions whose latest entry is a
 * retraction (an undone decision); returns how many were written per site.
 */
export async function exportLabels({ redis, keys, sites, write }: ExportOptions): Promise<Record<string, number>> {
  const store = new LabelStore(redis, keys);
  const counts: Record<string, number> = {};
  for (const site of sites) {
    // First pass remembers where each version's last entry is; the second writes those that are labels.
    const last = new Map<string, { index: number; retracted: boolean }>();
    let i = 0;
    for await (const l of store.all(site)) last.set(`${l.commentId}\u0000${l.bodyHash}`, { index: i++, retracted: 'retracted' in l });
    const keep = new Set([...last.values()].filter((e) => !e.retracted).map((e) => e.index));
    counts[site] = 0;
    i = 0;
    for await (const l of store.all(site)) {
      if (keep.has(i++)) {
        await write(JSON.stringify(l));
        counts[site] += 1;
      }
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const config = loadConfig({ env: process.env });
  const sites = config.sites.map((s) => s.id);
  const wanted = siteFlag(process.argv.slice(2), sites, false);
  const redis = createRedis(config.redis, 'worker', 'export-labels');
  try {
    await waitForReady(redis, 5_000);
    const write = (line: string) =>
      new Promise<void>((resolve, reject) => (process.stdout.write(`${line}\n`, (err) => (err ? reject(err) : resolve()))));
    const counts = await exportLabels({ redis, keys: createKeys(config.redis.prefix), sites: wanted ? [wanted] : sites, write });
    process.stderr.write(`exported ${Object.entries(counts).map(([s, n]) => `${n} from ${s}`).join(', ')}\n`);
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`export-labels: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
