/**
 * `npm run --silent classify < in.jsonl > out.jsonl`: moderates one JSON comment per line with the shipped
 * model and the default policy, writing one JSON line per input line in the same order. Streams: memory stays
 * flat however long the input. Bad lines yield `{"id"?, "error"}`; only JSON lines go to stdout.
 */
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { loadLocalClassifier } from '../classifier/local-classifier';
import { compilePolicy } from '../moderation/compile-policy';
import { classifyLine, RepeatCounter } from './classify-line';

async function main(): Promise<void> {
  const policy = resolvePolicy(PolicySchema.parse({}));
  const deps = { classifier: loadLocalClassifier(), policy, compiled: compilePolicy(policy) };
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
