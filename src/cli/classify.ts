/**
 * `npm run --silent classify < in.jsonl > out.jsonl`: moderates one JSON comment per line with the shipped
 * model and the default policy, writing one JSON line per input line in the same order. Streams: memory stays
 * flat however long the input. Bad lines yield `{"id"?, "error"}`; only JSON lines go to stdout.
 * With `--site S`, the site's adapter (site learning, read once from Redis at start) takes part, and each
 * line says which adapter version scored it (`adapter`).
 */
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { loadLocalClassifier } from '../classifier/local-classifier';
import { compilePolicy } from '../moderation/compile-policy';
import { classifyLine, RepeatCounter } from './classify-line';
import { loadConfig } from '../../config';
import { AdapterStore } from '../infra/adapter-store';
import { createKeys } from '../infra/keys';
import { createRedis, waitForReady } from '../infra/redis';
import type { SiteAdapter } from '../site-learning/types';
import { argValue, siteFlag } from './args';

/** The adapter of the site named by `--site`, if any (no Redis needed without `--site`). */
async function siteAdapter(argv: string[]): Promise<SiteAdapter | undefined> {
  if (argValue(argv, 'site') === undefined) return undefined;
  const config = loadConfig({ env: process.env });
  const site = siteFlag(argv, config.sites.map((s) => s.id), true)!;
  const redis = createRedis(config.redis, 'worker', 'classify');
  try {
    await waitForReady(redis, 5_000);
    const adapter = await new AdapterStore(redis, createKeys(config.redis.prefix)).current(site);
    process.stderr.write(adapter ? `classify: site ${site} adapter v${adapter.version}\n` : `classify: site ${site} has no adapter; the general model decides\n`);
    return adapter ?? undefined;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const policy = resolvePolicy(PolicySchema.parse({}));
  const deps = { classifier: loadLocalClassifier(), policy, compiled: compilePolicy(policy), adapter: await siteAdapter(process.argv.slice(2)) };
  const repeats = new RepeatCounter();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const out = await classifyLine(line, deps, repeats);
    if (!process.stdout.write(JSON.stringify(out) + '\n')) await once(process.stdout, 'drain');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
