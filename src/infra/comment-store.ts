/**
 * Redis store of comments, their decisions and history. Each write that must be atomic (receiving a
 * comment, applying a decision with its history and queue indexes) is one Lua script, loaded once per
 * connection (EVALSHA). Every key a script touches carries the site's hash tag (one cluster slot).
 */
import { script, type RedisClient as Redis } from './redis';
import type { CommentRecord, Decision, HistoryEntry } from '../moderation/record';
import type { AuthorHistoryEntry, CommentInput, CommentStatus } from '../moderation/types';
import { APPLY, APPLY_KEYS, APPLY_MANY, AUTHOR_DECISIONS, INGEST, INGEST_KEYS, INGEST_MANY } from './comment-scripts';
import { RecentPosters } from './recent-posters';
import { TickBatch } from './tick-batch';
import { keyAround, type Keys } from './keys';
import { commentSubject, eventBody, type OutboxEvent } from './outbox';
import { VersionedLists } from './versioned-lists';

export { WRONG_KEY_TYPE } from './comment-scripts';

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
 * (`keys.articleThread`) so a worker loads the whole thread in one read (`threadBefore`). `t`: ms received (or edited).
 */
export interface ThreadEntry {
  id: string;
  body: string;
  author: CommentInput['author'];
  t: number;
}

export class CommentStore {
  private readonly ingestScript: (...args: Array<string | number>) => Promise<[IngestOutcome, CommentStatus]>;
  private readonly ingestManyScript: (numberOfKeys: number, ...args: Array<string | number>) => Promise<Array<[IngestOutcome | 'error', string]>>;
  private readonly applyScript: (...args: Array<string | number>) => Promise<[ApplyOutcome, string, number | undefined]>;
  private readonly applyManyScript: (numberOfKeys: number, ...args: Array<string | number>) => Promise<Array<[ApplyOutcome | 'error', string, number | undefined]>>;
  private readonly repeats: RecentPosters;
  /** Single deliveries stored in the same tick (concurrent webhooks) for one site and time: one script call. */
  private readonly ingests: TickBatch<{ outcome: IngestOutcome; status: CommentStatus }, { site: string; comment: CommentInput; hash: string; now: Date }>;
  private readonly fixedIndexesBySite = new Map<string, Set<string>>();
  /** Entries kept per article thread list: room for the context plus comments arriving meanwhile. */
  private readonly threadCap: number;
  /**
   * Each article's thread list as this process last read it (at most `threadCap` entries): every comment
   * on an article reads mostly the same entries, so each is parsed once, and its body stays one string
   * (whose hash the relevance memo reuses).
   */
  private readonly threads: VersionedLists<ThreadEntry>;
  /** Authors' decision lists the same way: a prolific author's 50 entries are not read and parsed for every comment. */
  private readonly authorLists: VersionedLists<AuthorHistoryEntry>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    threadSize = 20,
  ) {
    this.ingestScript = script(redis, 'cmIngestV8', INGEST_KEYS, INGEST);
    this.ingestManyScript = script(redis, 'cmIngestManyV5', null, INGEST_MANY);
    this.applyScript = script(redis, 'cmApplyDecisionV7', APPLY_KEYS, APPLY);
    // Key count given per call (numberOfKeys null): 8 per decision.
    this.applyManyScript = script(redis, 'cmApplyDecisionsV5', null, APPLY_MANY);
    this.repeats = new RecentPosters(redis);
    this.ingests = new TickBatch(async (_group, items) => {
      const { site, now } = items[0];
      if (items.length > 1) return this.ingestMany(site, items, now);
      const { keys, args } = this.ingestParts(site, items[0].comment, items[0].hash, now);
      const [outcome, status] = await this.ingestScript(...keys, ...this.ingestShared(site, now), ...args);
      return [{ outcome, status }];
    });
    this.threadCap = Math.max(1, threadSize * 3);
    this.threads = new VersionedLists(redis, CACHED_THREADS, this.threadCap, (e) => JSON.parse(e) as ThreadEntry);
    this.authorLists = new VersionedLists(redis, CACHED_AUTHORS, AUTHOR_DECISIONS, (e) => JSON.parse(e) as AuthorHistoryEntry);
  }

  /**
   * Stores a delivery: new comment, repeated delivery (no change) or edit (re-queued, history kept).
   * Deliveries to one site stored in the same tick with the same time go in one script call, each as
   * atomic as on its own, in the order asked (a refused one rejects alone).
   */
  ingest(site: string, comment: CommentInput, hash: string, now: Date): Promise<{ outcome: IngestOutcome; status: CommentStatus }> {
    return this.ingests.get(`${site}\u0000${now.getTime()}`, { site, comment, hash, now });
  }

  /**
   * Stores several deliveries to one site (a batch request) in one script call, each as atomic as
   * `ingest`; a refused one (a key of the wrong type) is an `Error` in its place, the others are stored.
   */
  async ingestMany(site: string, items: Array<{ comment: CommentInput; hash: string }>, now: Date): Promise<Array<{ outcome: IngestOutcome; status: CommentStatus } | Error>> {
    if (items.length === 0) return [];
    const parts = items.map((i) => this.ingestParts(site, i.comment, i.hash, now));
    const answers = await this.ingestManyScript(parts.length * INGEST_KEYS, ...parts.flatMap((p) => p.keys), ...this.ingestShared(site, now), ...parts.flatMap((p) => p.args));
    return answers.map(([outcome, status]) => (outcome === 'error' ? new Error(status) : { outcome, status: status as CommentStatus }));
  }

  private ingestShared(site: string, now: Date): Array<string | number> {
    return [
      now.toISOString(),
      String(now.getTime()),
      this.threadCap,
      ...keyAround((a) => this.keys.articleComments(site, a)),
      ...keyAround((a) => this.keys.articleThread(site, a)),
      ...keyAround((a) => this.keys.flaggedByArticle(site, a)),
      ...keyAround((status) => this.keys.decidedByStatus(site, status)),
    ];
  }

  private ingestParts(site: string, comment: CommentInput, hash: string, now: Date): { keys: string[]; args: string[] } {
    const entry: ThreadEntry = { id: comment.id, body: comment.body, author: comment.author, t: now.getTime() };
    return {
      keys: [
        this.keys.comment(site, comment.id),
        this.keys.history(site, comment.id),
        this.keys.articleComments(site, comment.articleId),
        this.keys.articleThread(site, comment.articleId),
        this.keys.authorComments(site, comment.author.id),
      ],
      args: [JSON.stringify(comment), hash, comment.id, JSON.stringify(entry), comment.articleId],
    };
  }

  /**
   * Applies a decision atomically with its history entry, author history, queue indexes and the
   * CMS event in the outbox (`sequence` is the event's number among this comment's events).
   */
  async applyDecision(input: ApplyDecisionInput): Promise<{ outcome: ApplyOutcome; previous: string; sequence?: number }> {
    const { keys, args } = this.applyParts(input);
    const [outcome, previous, sequence] = await this.applyScript(...keys, ...args);
    return { outcome, previous, sequence };
  }

  /**
   * Several decisions on one site (a moderation group) in one script call, each as atomic as
   * `applyDecision`; a refused one (a key of the wrong type) is an `Error` in its place, the others
   * are written.
   */
  async applyDecisions(inputs: ApplyDecisionInput[]): Promise<Array<{ outcome: ApplyOutcome; previous: string; sequence?: number } | Error>> {
    if (inputs.length === 0) return [];
    const parts = inputs.map((i) => this.applyParts(i));
    const answers = await this.applyManyScript(parts.length * APPLY_KEYS, ...parts.flatMap((p) => p.keys), ...parts.flatMap((p) => p.args));
    return answers.map(([outcome, previous, sequence]) => (outcome === 'error' ? new Error(previous) : { outcome, previous, sequence }));
  }

  /** The site's fixed-name queue indexes (no type check needed), built once per site. */
  private fixedIndexes(site: string): Set<string> {
    let fixed = this.fixedIndexesBySite.get(site);
    if (!fixed) {
      const k = this.keys;
      fixed = new Set([k.flaggedByPriority(site), k.flaggedByAge(site), k.escalated(site), k.decidedByStatus(site, 'approved'), k.decidedByStatus(site, 'rejected')]);
      this.fixedIndexesBySite.set(site, fixed);
    }
    return fixed;
  }

  private applyParts(input: ApplyDecisionInput): { keys: string[]; args: string[] } {
    const { site, commentId, decision } = input;
    const subject = commentSubject(commentId);
    const fixed = this.fixedIndexes(site);
    return {
      keys: [
        this.keys.comment(site, commentId),
        this.keys.history(site, commentId),
        this.keys.authorDecisions(site, input.authorId),
        this.keys.stats(site),
        this.keys.outbox(site, subject),
        this.keys.outboxDue(site),
        this.keys.eventSequences(site),
      ],
      args: [
        input.mode,
        decision.bodyHash,
        JSON.stringify(decision),
        decision.status,
        JSON.stringify(input.history),
        JSON.stringify(input.authorEntry),
        // Keys whose name carries an id (an article's, an author's, a reason's filter) get their type checked;
        // the site's fixed-name indexes need none (no escaped id spells them).
        JSON.stringify(input.indexes.map(([key, score]) => (fixed.has(key) ? [key, score] : [key, score, 1]))),
        commentId,
        decision.decidedAt,
        subject,
        input.eventId,
        eventBody(input.event),
        String(Date.parse(decision.decidedAt)),
        ...keyAround((status) => this.keys.decidedByStatus(site, status)),
      ],
    };
  }

  async get(site: string, id: string): Promise<CommentRecord | null> {
    const [hash, legacyHistory] = await Promise.all([
      this.redis.hgetall(this.keys.comment(site, id)),
      // Records stored before the history moved into the hash ('h') keep it in a list of its own.
      this.redis.lrange(this.keys.history(site, id), 0, -1),
    ]);
    if (!hash.comment) return null;
    const history = [...legacyHistory.map((s) => JSON.parse(s) as HistoryEntry), ...(hash.h ? (JSON.parse(hash.h) as HistoryEntry[]) : [])];
    return toRecord(site, hash, history);
  }

  /** The record without its history (what a worker needs), or null. */
  async getCurrent(site: string, id: string): Promise<CommentRecord | null> {
    return fromFields(site, await this.redis.hmget(this.keys.comment(site, id), ...RECORD_FIELDS));
  }

  /**
   * The latest version of up to `limit` comments on an article received before `beforeMs`, oldest
   * first, from the capped thread list (newest first, `3 × threadSize` entries, a quarter more until
   * trimmed), as this process last read it plus the entries pushed since.
   */
  async threadBefore(site: string, articleId: string, beforeMs: number, limit: number, excludeId?: string): Promise<ThreadEntry[]> {
    if (limit <= 0) return [];
    const key = this.keys.articleThread(site, articleId);
    const entries = await this.threads.read(site, key);
    const seen = new Set<string>(excludeId ? [excludeId] : []);
    const out: ThreadEntry[] = [];
    for (const e of entries) {
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
    for (const id of ids) pipe.hmget(this.keys.comment(site, id), ...RECORD_FIELDS);
    const results = (await pipe.exec()) ?? [];
    return results.flatMap(([err, values]) => {
      const record = err ? null : fromFields(site, values as Array<string | null>);
      return record ? [record] : [];
    });
  }

  /** The last `limit` comment ids on an article, oldest first, received before `beforeMs`. */
  async recentOnArticle(site: string, articleId: string, beforeMs: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const ids = await this.redis.zrevrangebyscore(this.keys.articleComments(site, articleId), `(${beforeMs}`, '-inf', 'LIMIT', 0, limit);
    return ids.reverse();
  }

  async authorHistory(site: string, authorId: string, limit = AUTHOR_DECISIONS): Promise<AuthorHistoryEntry[]> {
    const entries = await this.authorLists.read(site, this.keys.authorDecisions(site, authorId));
    return entries.slice(0, limit);
  }

  /** Records a post of a text fingerprint; returns how many other comments posted it recently. */
  async countRepeats(site: string, fingerprint: string, commentId: string, windowSeconds: number): Promise<number> {
    // Counts asked for in the same tick (a group's comments) share one script call.
    const posters = await this.repeats.posters(site, this.keys.textPosts(site, fingerprint), commentId, windowSeconds);
    return Math.max(0, posters - 1);
  }

  /** Decision counts by status since the store began. */
  async stats(site: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.keys.stats(site));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}

/** Articles whose thread list a process keeps (at most `3 × threadSize` entries each). */
const CACHED_THREADS = 1024;

/** Authors whose decisions a process keeps (at most AUTHOR_DECISIONS entries each; most authors have a few). */
const CACHED_AUTHORS = 4096;

/** The hash fields a record is made of, its history ('h') aside. */
const RECORD_FIELDS = ['comment', 'bodyHash', 'status', 'decision', 'moderated', 'receivedAt', 'updatedAt'] as const;

function fromFields(site: string, values: Array<string | null>): CommentRecord | null {
  if (!values[0]) return null;
  const h: Record<string, string> = {};
  RECORD_FIELDS.forEach((f, i) => {
    if (values[i] !== null) h[f] = values[i]!;
  });
  return toRecord(site, h, []);
}

function toRecord(site: string, h: Record<string, string>, history: HistoryEntry[]): CommentRecord {
  return {
    site,
    comment: JSON.parse(h.comment) as CommentInput,
    bodyHash: h.bodyHash,
    status: h.status as CommentStatus,
    decision: h.decision ? (JSON.parse(h.decision) as Decision) : undefined,
    moderatedBodyHash: h.moderated || undefined,
    receivedAt: h.receivedAt,
    updatedAt: h.updatedAt,
    history,
  };
}
