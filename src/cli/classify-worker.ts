/**
 * A worker thread of the classify CLI: receives batches of input lines, each with its repeat count (counted in
 * input order by the main thread), and answers with their output lines, joined. Each thread keeps its own model
 * and relevance cache, and judges relevance with the input's article statistics last sent by the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { classifyLine, cliDeps } from './classify-line';
import type { SiteAdapter } from '../site-learning/types';
import type { SiteTerms } from '../moderation/relevance/site-terms';

/** One batch: lines with how often each line's text was seen before in the stream. */
export interface Batch {
  id: number;
  items: Array<[line: string, seenBefore: number]>;
}

/** The input's article statistics, sent to every thread whenever the main thread takes a new snapshot. */
export interface TermsMessage {
  terms: SiteTerms;
}

const deps = cliDeps((workerData as { adapter?: SiteAdapter }).adapter);
let terms: SiteTerms | undefined;
parentPort!.on('message', async (message: Batch | TermsMessage) => {
  if ('terms' in message) {
    terms = message.terms;
    return;
  }
  let out = '';
  for (const [line, seenBefore] of message.items) out += JSON.stringify(await classifyLine(line, deps, { seenBefore }, terms)) + '\n';
  parentPort!.postMessage({ id: message.id, out });
});
