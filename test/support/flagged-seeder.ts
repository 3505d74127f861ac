/**
 * Writes flagged comments straight through the stores, exactly as the worker stores an automatic
 * decision (same `applyDecision` and `flaggedIndexes`), with chosen reasons and times: for tests of
 * the queue's ordering and paging, and for the queue benchmark.
 */
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../../src/container';
import { CommentStore } from '../../src/infra/comment-store';
import { bodyHash, type Decision } from '../../src/moderation/record';
import type { Reason } from '../../src/moderation/types';
import { commentModeratedEvent, flaggedIndexes } from '../../src/use-cases/decision-write';

export interface FlaggedSeed {
  id: string;
  articleId: string;
  authorId: string;
  body: string;
  reasons: Reason[];
  receivedAt: Date;
}

export async function seedFlagged(runtime: Runtime, site: string, items: readonly FlaggedSeed[], parallel = 200): Promise<void> {
  const store = new CommentStore(runtime.apiRedis, runtime.keys);
  for (let i = 0; i < items.length; i += parallel) {
    await Promise.all(
      items.slice(i, i + parallel).map(async (item) => {
        const comment = { id: item.id, articleId: item.articleId, author: { id: item.authorId, name: `Author ${item.authorId}` }, body: item.body };
        const hash = bodyHash(item.body);
        await store.ingest(site, comment, hash, item.receivedAt);
        const record = (await store.get(site, item.id))!;
        const scores = Object.fromEntries(item.reasons.map((r) => [r.code.toLowerCase(), r.score]));
        const decision: Decision = { status: 'flagged', reasons: item.reasons, scores, decidedBy: 'auto', decidedAt: item.receivedAt.toISOString(), bodyHash: hash, modelVersion: 'seed', policyVersion: 'seed', provider: 'seed', timings: {} };
        await store.applyDecision({
          site,
          commentId: item.id,
          mode: 'auto',
          decision,
          history: { at: decision.decidedAt, event: 'decided', by: 'auto', from: 'queued', to: 'flagged', bodyHash: hash, codes: item.reasons.map((r) => r.code) },
          authorEntry: { commentId: item.id, status: 'flagged', codes: item.reasons.map((r) => r.code), articleId: item.articleId, at: decision.decidedAt },
          authorId: item.authorId,
          indexes: flaggedIndexes(runtime.keys, record, decision),
          event: commentModeratedEvent(site, comment, decision),
          eventId: randomUUID(),
        });
      }),
    );
  }
}

/** A reason with a span over the first occurrence of `word` in `body`. */
export function reason(code: Reason['code'], score: number, body: string, word?: string): Reason {
  const start = word ? body.indexOf(word) : -1;
  return { code, score, message: `${code.toLowerCase()} (${score})`, spans: start >= 0 ? [{ start, end: start + word!.length }] : [] };
}
