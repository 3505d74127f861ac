/**
 * Erasing a comment and everything that names it, for erasure requests and retention: the comment
 * and its history, claim, thread and queue indexes, its entries in the author's record, its pending
 * CMS events, dead letters and labelled examples (kept anonymised where the site allows). The core
 * is one Lua script per comment; dead letters and labels are cleaned after it (idempotent).
 */
import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from './redis';
import { LIST_VERSION_LUA, listVersionKey, QUEUE_INDEXES_LUA } from './comment-scripts';
import { KEY_PART_LUA, keyAround, type Keys } from './keys';
import { authorSubject, commentSubject } from './outbox';
import { FORGET_POSTER_LUA } from './recent-posters';
import type { LabelledExample } from './label-store';
import { textFingerprint } from '../moderation/record';
import type { CommentInput } from '../moderation/types';

// KEYS: comment, history, claim, outbox list, outbox due, outbox attempts, sequences, decided-by-time,
//       repeat-post posters of the current text.
// ARGV: commentId, subject, thread key around the article id (2), author decisions key around the
//       author id (2), author comments key around the author id (2), the entry prefix of this comment
//       in the author's record, 'any' or 'decided' (retention: only approved/rejected ones), the
//       article's thread list key around the article id (2), the Approved/Rejected listing's key around
//       the status (2).
const ERASE_COMMENT = `${LIST_VERSION_LUA}${KEY_PART_LUA}${QUEUE_INDEXES_LUA}${FORGET_POSTER_LUA}
local h = redis.call('HMGET', KEYS[1], 'comment', 'qidx', 'status')
if ARGV[10] == 'decided' and h[3] ~= 'approved' and h[3] ~= 'rejected' then
  redis.call('ZREM', KEYS[8], ARGV[1])
  return 0
end
if h[1] then
  local c = cjson.decode(h[1])
  for _, k in ipairs(indexes_of(h[2], h[3], ARGV[13], ARGV[14])) do redis.call('ZREM', k, ARGV[1]) end
  redis.call('ZREM', ARGV[3] .. key_part(c.articleId) .. ARGV[4], ARGV[1])
  local dk = ARGV[5] .. key_part(c.author.id) .. ARGV[6]
  list_remove(dk, function(e) return string.find(e, ARGV[9], 1, true) == 1 end)
  redis.call('SREM', ARGV[7] .. key_part(c.author.id) .. ARGV[8], ARGV[1])
  local tl = ARGV[11] .. key_part(c.articleId) .. ARGV[12]
  thread_remove(tl, ARGV[1])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('HDEL', KEYS[6], ARGV[2])
redis.call('HDEL', KEYS[7], ARGV[2])
redis.call('ZREM', KEYS[8], ARGV[1])
forget_poster(KEYS[9], ARGV[1])
if h[1] then return 1 end
return 0`;


/** One audit record per erasure: what, why, by whom and how much; no personal data. */
export interface ErasureAudit {
  at: string;
  kind: 'comment' | 'author' | 'retention';
  /** `cms`, a moderator's name, or `retention`. */
  by: string;
  /** SHA-256 of the erased comment or author id (lets an auditor confirm a given request was done). */
  idSha256?: string;
  comments: number;
  labelsErased: number;
  labelsAnonymised: number;
  deadLettersErased: number;
}

export class ErasureStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Erases one comment's data; `decidedOnly` skips comments not approved/rejected (retention). Returns whether it existed. */
  async eraseComment(site: string, id: string, decidedOnly = false): Promise<boolean> {
    const k = this.keys;
    const subject = commentSubject(id);
    const stored = await this.redis.hget(k.comment(site, id), 'comment');
    const fingerprint = stored ? textFingerprint((JSON.parse(stored) as CommentInput).body) : 'none';
    const erased = await this.redis.eval(
      ERASE_COMMENT,
      9,
      k.comment(site, id),
      k.history(site, id),
      k.claim(site, id),
      k.outbox(site, subject),
      k.outboxDue(site),
      k.outboxAttempts(site),
      k.eventSequences(site),
      k.decidedByTime(site),
      k.textPosts(site, fingerprint),
      id,
      subject,
      ...keyAround((a) => k.articleComments(site, a)),
      ...keyAround((a) => k.authorDecisions(site, a)),
      ...keyAround((a) => k.authorComments(site, a)),
      `{"commentId":${JSON.stringify(id)},`,
      decidedOnly ? 'decided' : 'any',
      ...keyAround((a) => k.articleThread(site, a)),
      ...keyAround((status) => k.decidedByStatus(site, status)),
    );
    return erased === 1;
  }

  /** Ids of an author's comments: the author index, plus the author's record for older comments. */
  async authorCommentIds(site: string, authorId: string): Promise<string[]> {
    const [indexed, record] = await Promise.all([this.redis.smembers(this.keys.authorComments(site, authorId)), this.redis.lrange(this.keys.authorDecisions(site, authorId), 0, -1)]);
    return [...new Set([...indexed, ...record.map((e) => (JSON.parse(e) as { commentId: string }).commentId)])];
  }

  /** Deletes the author's own keys (record, index, flagged-queue filter) and pending author events. */
  async eraseAuthorKeys(site: string, authorId: string): Promise<void> {
    const k = this.keys;
    const subject = authorSubject(authorId);
    await this.redis
      .multi()
      // The decisions list's version hash goes with it: a reader holding the list reads it afresh.
      .del(k.authorDecisions(site, authorId), listVersionKey(k.authorDecisions(site, authorId)), k.authorComments(site, authorId), k.flaggedByAuthor(site, authorId), k.outbox(site, subject))
      .zrem(k.outboxDue(site), subject)
      .hdel(k.outboxAttempts(site), subject)
      .hdel(k.eventSequences(site), subject)
      .exec();
  }

  /** Removes dead letters of the given subjects; returns how many. */
  async eraseDeadLetters(site: string, subjects: ReadonlySet<string>): Promise<number> {
    const key = this.keys.deadLetters(site);
    let cursor = '0';
    const doomed: string[] = [];
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        const entry = JSON.parse(flat[i + 1]) as { subject?: string; payload?: { comment?: { id?: string } } };
        const subject = entry.subject ?? (entry.payload?.comment?.id !== undefined ? commentSubject(entry.payload.comment.id) : '');
        if (subjects.has(subject)) doomed.push(flat[i]);
      }
    } while (cursor !== '0');
    return doomed.length ? this.redis.hdel(key, ...doomed) : 0;
  }

  /**
   * Erases (or, with `anonymise`, replaces by an anonymised copy: no comment id, moderator or
   * parent text) the labelled examples of the given comments. One pass over the site's labels.
   */
  async eraseLabels(site: string, commentIds: ReadonlySet<string>, anonymise: boolean): Promise<{ erased: number; anonymised: number }> {
    const key = this.keys.labels(site);
    const doomed: string[] = [];
    for (let start = 0; ; start += 1000) {
      const lines = await this.redis.lrange(key, start, start + 999);
      for (const line of lines) if (commentIds.has((JSON.parse(line) as LabelledExample).commentId)) doomed.push(line);
      if (lines.length < 1000) break;
    }
    let erased = 0;
    let anonymised = 0;
    for (const line of doomed) {
      const removed = await this.redis.lrem(key, 1, line);
      if (!removed) continue;
      if (!anonymise) {
        erased++;
        continue;
      }
      const { commentId: _c, moderator: _m, parentBody: _p, ...rest } = JSON.parse(line) as LabelledExample;
      await this.redis.rpush(key, JSON.stringify({ ...rest, commentId: '', moderator: '', anonymised: true }));
      anonymised++;
    }
    return { erased, anonymised };
  }

  /**
   * Site learning's labels of the given comments (keyed by comment id): erased, or with `anonymise`
   * kept under an id that cannot be traced back. And their entries in the live-update log.
   */
  async eraseSiteLabelsAndLiveLog(site: string, commentIds: ReadonlySet<string>, anonymise: boolean): Promise<void> {
    const key = this.keys.siteLabels(site);
    for (const id of commentIds) {
      const raw = await this.redis.hget(key, id);
      if (!raw) continue;
      await this.redis.hdel(key, id);
      if (anonymise) {
        const anonId = `anon-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
        await this.redis.hset(key, anonId, JSON.stringify({ ...(JSON.parse(raw) as object), id: anonId }));
      }
    }
    const log = this.keys.eventLog(site);
    const doomed: string[] = [];
    for (const [entryId, fields] of await this.redis.xrange(log, '-', '+')) {
      const json = fields[1] ?? '';
      const named = (JSON.parse(json) as { id?: unknown; ids?: unknown }).id;
      if ((typeof named === 'string' && commentIds.has(named)) || [...commentIds].some((id) => json.includes(JSON.stringify(id)))) doomed.push(entryId);
    }
    if (doomed.length) await this.redis.xdel(log, ...doomed);
  }

  /** Appends an audit record (capped at the newest 100,000). */
  async audit(site: string, entry: ErasureAudit): Promise<void> {
    await this.redis.multi().lpush(this.keys.erasures(site), JSON.stringify(entry)).ltrim(this.keys.erasures(site), 0, 99_999).exec();
  }

  async audits(site: string, limit = 100): Promise<ErasureAudit[]> {
    return (await this.redis.lrange(this.keys.erasures(site), 0, limit - 1)).map((s) => JSON.parse(s) as ErasureAudit);
  }

  /**
   * Comment ids decided (approved/rejected) before `beforeMs`, oldest first: from the Approved and Rejected
   * listings (scored by decision time), and from the retention index that decisions stored before kept
   * (`decidedByTime`: no longer written; the sweep skips and drops its entries whose comment is no longer decided).
   */
  async decidedBefore(site: string, beforeMs: number, limit: number): Promise<string[]> {
    const keys = [this.keys.decidedByStatus(site, 'approved'), this.keys.decidedByStatus(site, 'rejected'), this.keys.decidedByTime(site)];
    const ranges = await Promise.all(keys.map((key) => this.redis.zrangebyscore(key, '-inf', `(${beforeMs}`, 'WITHSCORES', 'LIMIT', 0, limit)));
    const oldest = new Map<string, number>();
    for (const range of ranges) {
      for (let i = 0; i < range.length; i += 2) {
        const at = Number(range[i + 1]);
        const seen = oldest.get(range[i]);
        if (seen === undefined || at < seen) oldest.set(range[i], at);
      }
    }
    return [...oldest].sort((a, b) => a[1] - b[1]).slice(0, limit).map(([id]) => id);
  }
}
