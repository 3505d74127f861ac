/**
 * `npm run --silent labels:import -- --site S < labels.jsonl`: imports a site's past moderation decisions
 * (one JSON label per line, see docs/site-learning.md) into its labelled history. All or nothing: every
 * line is checked first; if any is bad, each bad line's error is written to stdout as a JSON line
 * (`{line, id?, errors}`), nothing is stored, and the exit code is 1. Otherwise all labels are stored in
 * one transaction and one JSON line `{site, imported, labels}` is written. Blank lines are skipped.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../config';
import { runCli, siteFlag } from '../src/cli/args';
import { createKeys } from '../src/infra/keys';
import { LabelStore } from '../src/infra/label-store';
import { createRedis, waitForReady } from '../src/infra/redis';
import { validateLabels, type LabelError } from '../src/site-learning/label-input';

/** Parses the lines; returns the items with their 1-based line numbers and the lines that are not JSON. */
async function readLines(input: NodeJS.ReadableStream): Promise<{ items: unknown[]; lineNumbers: number[]; errors: Array<{ line: number; errors: LabelError['errors'] }> }> {
  const items: unknown[] = [];
  const lineNumbers: number[] = [];
  const errors: Array<{ line: number; errors: LabelError['errors'] }> = [];
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (!line.trim()) continue;
    try {
      items.push(JSON.parse(line));
      lineNumbers.push(n);
    } catch (err) {
      errors.push({ line: n, errors: [{ path: '(line)', message: `not valid JSON: ${(err as Error).message}` }] });
    }
  }
  return { items, lineNumbers, errors };
}

async function main(): Promise<number> {
  const config = loadConfig({ env: process.env });
  const site = siteFlag(process.argv.slice(2), config.sites.map((s) => s.id), true)!;
  const { items, lineNumbers, errors: jsonErrors } = await readLines(process.stdin);
  const { labels, errors } = validateLabels(items, 'import');
  const bad = [...jsonErrors, ...errors.map(({ index, ...e }) => ({ line: lineNumbers[index], ...e }))].sort((a, b) => a.line - b.line);
  if (bad.length) {
    for (const e of bad) process.stdout.write(JSON.stringify(e) + '\n');
    process.stderr.write(`labels:import: ${bad.length} bad line(s); nothing was imported\n`);
    return 1;
  }
  if (!labels.length) {
    process.stderr.write('labels:import: no labels on stdin\n');
    return 1;
  }
  const redis = createRedis(config.redis, 'worker', 'labels-import');
  try {
    await waitForReady(redis, 5_000);
    const store = new LabelStore(redis, createKeys(config.redis.prefix));
    await store.addLabels(site, labels);
    const counts = await store.counts(site);
    process.stdout.write(JSON.stringify({ site, imported: labels.length, labels: counts.labels }) + '\n');
    return 0;
  } finally {
    redis.disconnect();
  }
}

runCli('labels:import', main);
