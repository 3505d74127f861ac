/**
 * `npm run --silent classify < in.jsonl > out.jsonl`: moderates one JSON comment per line with the shipped
 * model and the default policy, writing one JSON line per input line in the same order. Streams: memory stays
 * flat however long the input. Bad lines yield `{"id"?, "error"}`; only JSON lines go to stdout.
 * Article and thread term models are compiled once per text and reused (the relevance phase's shared cache).
 */
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { loadLocalClassifier } from '../classifier/local-classifier';
import { compilePolicy } from '../moderation/compile-policy';
import { classifyLine, RepeatCounter } from './classify-line';

/** Output is written in blocks of about this many characters (one write per block, not per line). */
const BLOCK = 1 << 16;

async function main(): Promise<void> {
  const policy = resolvePolicy(PolicySchema.parse({}));
  const deps = { classifier: loadLocalClassifier(), policy, compiled: compilePolicy(policy) };
  const repeats = new RepeatCounter();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let block = '';
  const flush = async () => {
    if (!process.stdout.write(block)) await once(process.stdout, 'drain');
    block = '';
  };
  for await (const line of lines) {
    block += JSON.stringify(await classifyLine(line, deps, repeats)) + '\n';
    if (block.length >= BLOCK) await flush();
  }
  if (block) await flush();
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
