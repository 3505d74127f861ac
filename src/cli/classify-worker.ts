/**
 * A worker thread of the classify CLI: receives batches of input lines, each with its repeat count (counted in
 * input order by the main thread), and answers with their output lines, joined. Each thread keeps its own model
 * and relevance cache.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { classifyLine, cliDeps } from './classify-line';
import type { SiteAdapter } from '../site-learning/types';

/** One batch: lines with how often each line's text was seen before in the stream. */
export interface Batch {
  id: number;
  items: Array<[line: string, seenBefore: number]>;
}

const deps = cliDeps((workerData as { adapter?: SiteAdapter }).adapter);
parentPort!.on('message', async (batch: Batch) => {
  let out = '';
  for (const [line, seenBefore] of batch.items) out += JSON.stringify(await classifyLine(line, deps, { seenBefore })) + '\n';
  parentPort!.postMessage({ id: batch.id, out });
});
