/**
 * Redis store of comments, their decisions and history. Each write that must be atomic (receiving a
 * comment, applying a decision with its history and queue indexes) is one Lua script, loaded once per
 * connection (EVALSHA). Every key a script touches carries the site's hash tag (one cluster slot).
 */
import { script, type RedisClient as Redis } from './redis';
import type { CommentRecord, Decision, HistoryEntry } from '../moderation/record';
import type { AuthorHistoryEntry, CommentInput, CommentStatus } from '../moderation/types';
import { KEY_PART_LUA, keyAround, type Keys } from './keys';
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

/**
 * Shared head of the scripts: refuses to write when a key exists with another type (an id that
 * forged another key's name), before anything is written, so nothing is left half-done.
 */
const CHECK_TYPES = `
local function wrongType(list)
  for i = 1, #list, 2 do
    local t = redis.call('TYPE', list[i])['ok']
    if t ~= 'none' and t ~= list[i + 1] then return list[i] .. ' is a ' .. t .. ', not a ' .. list[i + 1] end
  end
  return nil
end
`;

/** Prefix of the error a script answers when `CHECK_TYPES` finds a key of the wrong type. */
export const WRONG_KEY_TYPE = 'WRONGKEYTYPE';

// KEYS: comment, history, article's comment ids, article's thread list, the author's comment ids.
// ARGV: commentJson, bodyHash, nowIso, nowMs, receivedJson, editedJson, commentId, threadEntryJson, threadCap,
//       articleId, then the ids key, thread list key and flagged-by-article key each split around the
//       article id (to reach the old article's when an edit moves the comment).
const INGEST = `${CHECK_TYPES}${KEY_PART_LUA}
local bad = wrongType({KEYS[1], 'hash', KEYS[2], 'list', KEYS[3], 'zset', KEYS[4], 'list', KEYS[5], 'set'})
if bad then return redis.error_reply('${WRONG_KEY_TYPE} ' .. bad) end
local cur = redis.call('HMGET', KEYS[1], 'bodyHash', 'status', 'qidx', 'comment')
if not cur[1] then
  redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'bodyHash', ARGV[2], 'status', 'queued', 'receivedAt', ARGV[3], 'updatedAt', ARGV[3])
  redis.call('RPUSH', KEYS[2], ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[7])
  redis.call('LPUSH', KEYS[4], ARGV[8])
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[9]) - 1)
  redis.call('SADD', KEYS[5], ARGV[7])
  return {'created', 'queued'}
end
-- An edit may move the comment to another article: it leaves the old thread for the new one.
local old = cjson.decode(cur[4]).articleId
local moved = old ~= ARGV[10]
if moved then
  local oldIds = ARGV[11] .. key_part(old) .. ARGV[12]
  local score = redis.call('ZSCORE', oldIds, ARGV[7]) or ARGV[4]
  redis.call('ZREM', oldIds, ARGV[7])
  redis.call('ZADD', KEYS[3], score, ARGV[7])
  local oldList = ARGV[13] .. key_part(old) .. ARGV[14]
  for _, e in ipairs(redis.call('LRANGE', oldList, 0, -1)) do
    if cjson.decode(e).id == ARGV[7] then redis.call('LREM', oldList, 0, e) end
  end
end
if cur[1] == ARGV[2] then
  if not moved then return {'duplicate', cur[2]} end
  -- Same text under another article: same decision; thread and article filter follow the article.
  if cur[3] then
    local ks = cjson.decode(cur[3])
    for i, k in ipairs(ks) do
      if k == ARGV[15] .. key_part(old) .. ARGV[16] then
        local sc = redis.call('ZSCORE', k, ARGV[7])
        redis.call('ZREM', k, ARGV[7])
        ks[i] = ARGV[15] .. key_part(ARGV[10]) .. ARGV[16]
        if sc then redis.call('ZADD', ks[i], sc, ARGV[7]) end
      end
    end
    redis.call('HSET', KEYS[1], 'qidx', cjson.encode(ks))
  end
  redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'updatedAt', ARGV[3])
  redis.call('LPUSH', KEYS[4], ARGV[8])
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[9]) - 1)
  return {'duplicate', cur[2]}
end
if cur[3] then for _, k in ipairs(cjson.decode(cur[3])) do redis.call('ZREM', k, ARGV[7]) end end
redis.call('HDEL', KEYS[1], 'qidx')
redis.call('HSET', KEYS[1], 'comment', ARGV[1], 'bodyHash', ARGV[2], 'status', 'queued', 'updatedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[6])
redis.call('LPUSH', KEYS[4], ARGV[8])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[9]) - 1)
return {'edited', 'queued'}
`;


// KEYS: comment, history, author decisions, stats, outbox list, outbox due, sequences, decided-by-time (retention).
// ARGV: mode, bodyHash, decisionJson, status, historyJson, authorEntryJson, indexPairsJson, commentId, nowIso,
//       subject, eventId, eventBodyJson, nowMs. The CMS event goes to the outbox in the same write.
const APPLY = `${CHECK_TYPES}${OUTBOX_PUSH_LUA}
local checks = {KEYS[1], 'hash', KEYS[2], 'list', KEYS[3], 'list', KEYS[4], 'hash', KEYS[5], 'list', KEYS[6], 'zset', KEYS[7], 'hash', KEYS[8], 'zset'}
for _, pair in ipairs(cjson.decode(ARGV[7])) do table.insert(checks, pair[1]); table.insert(checks, 'zset') end
local bad = wrongType(checks)
if bad then return redis.error_reply('${WRONG_KEY_TYPE} ' .. bad) end
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

/**
 * What the pipeline reads of an earlier comment in the thread, kept in a capped list per article
 * (`keys.articleThread`) so a worker loads the whole thread in one LRANGE. `t`: ms received (or edited).
 */
export interface ThreadEntry {
  id: string;
  body: string;
  author: CommentInput['author'];
  t: number;
}

export class CommentStore {
  private readonly ingestScript: (...args: Array<string | number>) => Promise<[IngestOutcome, CommentStatus]>;
  private readonly applyScript: (...args: Array<string | number>) => Promise<[ApplyOutcome, string, number | undefined]>;
  /** Entries kept per article thread list: room for the context plus comments arriving meanwhile. */
  private readonly threadCap: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    threadSize = 20,
  ) {
    this.ingestScript = script(redis, 'cmIngestV3', 5, INGEST);
    this.applyScript = script(redis, 'cmApplyDecisionV2', 8, APPLY);
    this.threadCap = Math.max(1, threadSize * 3);
  }

  /** Stores a delivery: new comment, repeated delivery (no change) or edit (re-queued, history kept). */
  async ingest(site: string, comment: CommentInput, hash: string, now: Date): Promise<{ outcome: IngestOutcome; status: CommentStatus }> {
    const at = now.toISOString();
    const received: HistoryEntry = { at, event: 'received', by: 'cms', to: 'queued', bodyHash: hash };
    const edited: HistoryEntry = { at, event: 'edited', by: 'cms', to: 'queued', bodyHash: hash };
    const entry: ThreadEntry = { id: comment.id, body: comment.body, author: comment.author, t: now.getTime() };
    const [outcome, status] = await this.ingestScript(
      this.keys.comment(site, comment.id),
      this.keys.history(site, comment.id),
      this.keys.articleComments(site, comment.articleId),
      this.keys.articleThread(site, comment.articleId),
      this.keys.authorComments(site, comment.author.id),
      JSON.stringify(comment),
      hash,
      at,
      String(now.getTime()),
      JSON.stringify(received),
      JSON.stringify(edited),
      comment.id,
      JSON.stringify(entry),
      this.threadCap,
      comment.articleId,
      ...keyAround((a) => this.keys.articleComments(site, a)),
      ...keyAround((a) => this.keys.articleThread(site, a)),
      ...keyAround((a) => this.keys.flaggedByArticle(site, a)),
    );
    return { outcome, status };
  }

  /**
   * Applies a decision atomically with its history entry, author history, queue indexes and the
   * CMS event in the outbox (`sequence` is the event's number among this comment's events).
   */
  async applyDecision(input: ApplyDecisionInput): Promise<{ outcome: ApplyOutcome; previous: string; sequence?: number }> {
    const { site, commentId, decision } = input;
    const subject = commentSubject(commentId);
    const [outcome, previous, sequence] = await this.applyScript(
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
    );
    return { outcome, previous, sequence };
  }

  async get(site: string, id: string): Promise<CommentRecord | null> {
    const [hash, history] = await Promise.all([
      this.redis.hgetall(this.keys.comment(site, id)),
      this.redis.lrange(this.keys.history(site, id), 0, -1),
    ]);
    return hash.comment ? toRecord(site, hash, history) : null;
  }

  /** The record without its history (what a worker needs), or null. */
  async getCurrent(site: string, id: string): Promise<CommentRecord | null> {
    const hash = await this.redis.hgetall(this.keys.comment(site, id));
    return hash.comment ? toRecord(site, hash, []) : null;
  }

  /**
   * The latest version of up to `limit` comments on an article received before `beforeMs`, oldest
   * first, from the capped thread list (one LRANGE; the list holds `3 × threadSize` entries).
   */
  async threadBefore(site: string, articleId: string, beforeMs: number, limit: number, excludeId?: string): Promise<ThreadEntry[]> {
    if (limit <= 0) return [];
    const raw = await this.redis.lrange(this.keys.articleThread(site, articleId), 0, this.threadCap - 1);
    const seen = new Set<string>(excludeId ? [excludeId] : []);
    const out: ThreadEntry[] = [];
    for (const s of raw) {
      const e = JSON.parse(s) as ThreadEntry;
      if (e.t >= beforeMs || seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
      if (out.length === limit) break;
    }
    return out.reverse();
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
