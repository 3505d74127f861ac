/**
 * Redis store of comments, their decisions and history. Each write that must be atomic (receiving a
 * comment, applying a decision with its history and queue indexes) is one Lua script.
 */
import type { Redis } from 'ioredis';
import type { CommentRecord, Decision, HistoryEntry } from '../moderation/record';
import type { AuthorHistoryEntry, CommentInput, CommentStatus } from '../moderation/types';
import type { Keys } from './keys';
import { commentSubject, eventBody, OUTBOX_PUSH_LUA, type OutboxEvent } from './outbox';

/** Outcome of receiving a comment delivery. */
export type IngestOutcome = 'created' | 'duplicate' | 'edited';

/** Outcome of applying a decision. */
export type ApplyOutcome =
  | 'applied'
  /** the comment's body changed since the job was made: a newer job decides it */
  | 'stale'
  /** a moderator already decided this version; automatic runs never overturn that */
  | 'moderated'
  /** this version was already decided automatically (a repeated job) */
  | 'duplicate'
  | 'missing';

// KEYS: comment, history, thread of the comment's article, the author's comment ids.
// ARGV: commentJson, bodyHash, nowIso, nowMs, receivedJson, editedJson, commentId, articleId,
//       thread key and flagged-by-article key split around the article id (to find the old article's).
const INGEST = `
local cur = redis.call('HMGET', KEYS[1], 'bodyHash', 'status', 'qidx', 'comment')
if not cur[1] then
  redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'bodyHash', ARGV[2], 'status', 'queued', 'receivedAt', ARGV[3], 'updatedAt', ARGV[3])
  redis.call('RPUSH', KEYS[2], ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[7])
  redis.call('SADD', KEYS[4], ARGV[7])
  return {'created', 'queued'}
end
-- An edit may move the comment to another article: it leaves the old thread for the new one.
local old = cjson.decode(cur[4]).articleId
local moved = old ~= ARGV[8]
if moved then
  local oldThread = ARGV[9] .. old .. ARGV[10]
  local score = redis.call('ZSCORE', oldThread, ARGV[7]) or ARGV[4]
  redis.call('ZREM', oldThread, ARGV[7])
  redis.call('ZADD', KEYS[3], score, ARGV[7])
end
if cur[1] == ARGV[2] then
  if not moved then return {'duplicate', cur[2]} end
  -- Same text under another article: same decision, indexes follow the article.
  if cur[3] then
    local ks = cjson.decode(cur[3])
    for i, k in ipairs(ks) do
      if k == ARGV[11] .. old .. ARGV[12] then
        local sc = redis.call('ZSCORE', k, ARGV[7])
        redis.call('ZREM', k, ARGV[7])
        ks[i] = ARGV[11] .. ARGV[8] .. ARGV[12]
        if sc then redis.call('ZADD', ks[i], sc, ARGV[7]) end
      end
    end
    redis.call('HSET', KEYS[1], 'qidx', cjson.encode(ks))
  end
  redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'updatedAt', ARGV[3])
  return {'duplicate', cur[2]}
end
if cur[3] then for _, k in ipairs(cjson.decode(cur[3])) do redis.call('ZREM', k, ARGV[7]) end end
redis.call('HDEL', KEYS[1], 'qidx')
redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'bodyHash', ARGV[2], 'status', 'queued', 'updatedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[6])
return {'edited', 'queued'}
`;

/** A key function's output split around one argument, so a script can build the key for another value. */
const around = (key: (x: string) => string): [string, string] => key('\u0001').split('\u0001') as [string, string];

// KEYS: comment, history, author decisions, stats, outbox list, outbox due, sequences, decided-by-time (retention).
// ARGV: mode, bodyHash, decisionJson, status, historyJson, authorEntryJson, indexPairsJson, commentId, nowIso,
//       subject, eventId, eventBodyJson, nowMs. The CMS event goes to the outbox in the same write.
const APPLY = `${OUTBOX_PUSH_LUA}
local cur = redis.call('HMGET', KEYS[1], 'bodyHash', 'moderated', 'qidx', 'status')
if not cur[1] then return {'missing', ''} end
if cur[1] ~= ARGV[2] then return {'stale', cur[4]} end
if ARGV[1] == 'auto' then
  if cur[2] == ARGV[2] then return {'moderated', cur[4]} end
  if cur[4] ~= 'queued' then return {'duplicate', cur[4]} end
end
if cur[3] then for _, k in ipairs(cjson.decode(cur[3])) do redis.call('ZREM', k, ARGV[8]) end end
local keys = {}
for _, pair in ipairs(cjson.decode(ARGV[7])) do
  redis.call('ZADD', pair[1], pair[2], ARGV[8])
  table.insert(keys, pair[1])
end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'decision', ARGV[3], 'updatedAt', ARGV[9])
if #keys > 0 then redis.call('HSET', KEYS[1], 'qidx', cjson.encode(keys)) else redis.call('HDEL', KEYS[1], 'qidx') end
if ARGV[1] == 'moderator' then redis.call('HSET', KEYS[1], 'moderated', ARGV[2]) end
redis.call('RPUSH', KEYS[2], ARGV[5])
redis.call('LPUSH', KEYS[3], ARGV[6])
redis.call('LTRIM', KEYS[3], 0, 49)
redis.call('HINCRBY', KEYS[4], ARGV[4], 1)
if ARGV[4] == 'approved' or ARGV[4] == 'rejected' then redis.call('ZADD', KEYS[8], ARGV[13], ARGV[8]) else redis.call('ZREM', KEYS[8], ARGV[8]) end
local seq = outbox_push(KEYS[5], KEYS[6], KEYS[7], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
return {'applied', cur[4], seq}
`;

/** A sorted-set key and the member's score in it, for the flagged queue's indexes. */
export type IndexEntry = [key: string, score: number];

export interface ApplyDecisionInput {
  site: string;
  commentId: string;
  mode: 'auto' | 'moderator';
  decision: Decision;
  history: HistoryEntry;
  authorEntry: AuthorHistoryEntry;
  authorId: string;
  /** Indexes the comment belongs to after this decision (empty unless flagged). */
  indexes: IndexEntry[];
  /** The CMS event reporting this decision, written to the outbox with it. */
  event: OutboxEvent['body'];
  /** Its event id (fresh per write). */
  eventId: string;
}

export class CommentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores a delivery: new comment, repeated delivery (no change) or edit (re-queued, history kept). */
  async ingest(site: string, comment: CommentInput, hash: string, now: Date): Promise<{ outcome: IngestOutcome; status: CommentStatus }> {
    const at = now.toISOString();
    const received: HistoryEntry = { at, event: 'received', by: 'cms', to: 'queued', bodyHash: hash };
    const edited: HistoryEntry = { at, event: 'edited', by: 'cms', to: 'queued', bodyHash: hash };
    const [outcome, status] = (await this.redis.eval(
      INGEST,
      4,
      this.keys.comment(site, comment.id),
      this.keys.history(site, comment.id),
      this.keys.articleComments(site, comment.articleId),
      this.keys.authorComments(site, comment.author.id),
      JSON.stringify(comment),
      hash,
      at,
      String(now.getTime()),
      JSON.stringify(received),
      JSON.stringify(edited),
      comment.id,
      comment.articleId,
      ...around((a) => this.keys.articleComments(site, a)),
      ...around((a) => this.keys.flaggedByArticle(site, a)),
    )) as [IngestOutcome, CommentStatus];
    return { outcome, status };
  }

  /**
   * Applies a decision atomically with its history entry, author history, queue indexes and the
   * CMS event in the outbox (`sequence` is the event's number among this comment's events).
   */
  async applyDecision(input: ApplyDecisionInput): Promise<{ outcome: ApplyOutcome; previous: string; sequence?: number }> {
    const { site, commentId, decision } = input;
    const subject = commentSubject(commentId);
    const [outcome, previous, sequence] = (await this.redis.eval(
      APPLY,
      8,
      this.keys.comment(site, commentId),
      this.keys.history(site, commentId),
      this.keys.authorDecisions(site, input.authorId),
      this.keys.stats(site),
      this.keys.outbox(site, subject),
      this.keys.outboxDue(site),
      this.keys.eventSequences(site),
      this.keys.decidedByTime(site),
      input.mode,
      decision.bodyHash,
      JSON.stringify(decision),
      decision.status,
      JSON.stringify(input.history),
      JSON.stringify(input.authorEntry),
      JSON.stringify(input.indexes),
      commentId,
      decision.decidedAt,
      subject,
      input.eventId,
      eventBody(input.event),
      String(Date.parse(decision.decidedAt)),
    )) as [ApplyOutcome, string, number | undefined];
    return { outcome, previous, sequence };
  }

  async get(site: string, id: string): Promise<CommentRecord | null> {
    const [hash, history] = await Promise.all([
      this.redis.hgetall(this.keys.comment(site, id)),
      this.redis.lrange(this.keys.history(site, id), 0, -1),
    ]);
    return hash.comment ? toRecord(site, hash, history) : null;
  }

  /** Several records at once (missing ones are skipped), without history. */
  async getMany(site: string, ids: readonly string[]): Promise<CommentRecord[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.comment(site, id));
    const results = (await pipe.exec()) ?? [];
    return results.flatMap(([err, hash]) => {
      const h = hash as Record<string, string>;
      return !err && h?.comment ? [toRecord(site, h, [])] : [];
    });
  }

  /** The last `limit` comment ids on an article, oldest first, received before `beforeMs`. */
  async recentOnArticle(site: string, articleId: string, beforeMs: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const ids = await this.redis.zrevrangebyscore(this.keys.articleComments(site, articleId), `(${beforeMs}`, '-inf', 'LIMIT', 0, limit);
    return ids.reverse();
  }

  async authorHistory(site: string, authorId: string, limit = 50): Promise<AuthorHistoryEntry[]> {
    const items = await this.redis.lrange(this.keys.authorDecisions(site, authorId), 0, limit - 1);
    return items.map((s) => JSON.parse(s) as AuthorHistoryEntry);
  }

  /** Records a post of a text fingerprint; returns how many other comments posted it recently. */
  async countRepeats(site: string, fingerprint: string, commentId: string, windowSeconds: number): Promise<number> {
    const key = this.keys.textPosts(site, fingerprint);
    const [, , [, count]] = (await this.redis.multi().sadd(key, commentId).expire(key, windowSeconds).scard(key).exec()) as [unknown, unknown, [unknown, number]];
    return Math.max(0, count - 1);
  }

  /** Decision counts by status since the store began. */
  async stats(site: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.keys.stats(site));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}

function toRecord(site: string, h: Record<string, string>, history: string[]): CommentRecord {
  return {
    site,
    comment: JSON.parse(h.comment) as CommentInput,
    bodyHash: h.bodyHash,
    status: h.status as CommentStatus,
    decision: h.decision ? (JSON.parse(h.decision) as Decision) : undefined,
    moderatedBodyHash: h.moderated || undefined,
    receivedAt: h.receivedAt,
    updatedAt: h.updatedAt,
    history: history.map((s) => JSON.parse(s) as HistoryEntry),
  };
}
