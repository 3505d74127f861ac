/**
 * Every Redis key the service uses, in one place. All keys start with the configured prefix
 * (default `{cm}`: a hash tag, so on Redis Cluster every key lands in one slot and Lua scripts
 * may touch several). BullMQ queues use the same prefix.
 */
export type Keys = ReturnType<typeof createKeys>;

export function createKeys(prefix: string) {
  const site = (s: string) => `${prefix}:s:${s}`;
  return {
    prefix,
    /** Hash: the comment as received, its body hash, status and current decision. */
    comment: (s: string, id: string) => `${site(s)}:c:${id}`,
    /** List of JSON history entries (received, edited, decided, moderated …), oldest first. */
    history: (s: string, id: string) => `${site(s)}:c:${id}:h`,
    /** Hash: article title, body, url, publishedAt. */
    article: (s: string, id: string) => `${site(s)}:a:${id}`,
    /** Sorted set of comment ids on an article, scored by time received (the thread). */
    articleComments: (s: string, id: string) => `${site(s)}:a:${id}:c`,
    /** Set of the ids of an author's comments (erasure of an author). */
    authorComments: (s: string, authorId: string) => `${site(s)}:u:${authorId}:c`,
    /** Sorted set of decided (approved/rejected) comment ids by decision time, for retention. */
    decidedByTime: (s: string) => `${site(s)}:ret`,
    /** List of JSON decisions on an author's comments, newest first (capped). */
    authorDecisions: (s: string, authorId: string) => `${site(s)}:u:${authorId}:d`,
    /** Set of comment ids that posted the same normalised text (expires). */
    textPosts: (s: string, textHash: string) => `${site(s)}:t:${textHash}`,
    /** Sorted sets of flagged comment ids: by priority (higher first) and by age. */
    flaggedByPriority: (s: string) => `${site(s)}:q:prio`,
    flaggedByAge: (s: string) => `${site(s)}:q:age`,
    /** Per-filter indexes of the flagged queue (scored by priority). */
    flaggedByReason: (s: string, code: string) => `${site(s)}:q:r:${code}`,
    flaggedByArticle: (s: string, articleId: string) => `${site(s)}:q:a:${articleId}`,
    flaggedByAuthor: (s: string, authorId: string) => `${site(s)}:q:u:${authorId}`,
    /** Hash: callback id → JSON of a callback that exhausted its retries. */
    deadLetters: (s: string) => `${site(s)}:dlq`,
    /** List of pending events (JSON, oldest first) of one subject (`c:ID` comment, `u:ID` author): the outbox. */
    outbox: (s: string, subject: string) => `${site(s)}:ob:${subject}`,
    /** Sorted set of subjects with pending events, scored by when the dispatcher may next take them (ms). */
    outboxDue: (s: string) => `${site(s)}:obq`,
    /** Hash: subject → delivery attempts started on its oldest pending event. */
    outboxAttempts: (s: string) => `${site(s)}:oba`,
    /** Hash: subject → sequence number of its last event (per-comment ordering for the CMS). */
    eventSequences: (s: string) => `${site(s)}:seq`,
    /** List of JSON audit entries of erasures (what was erased, when, by whom; no personal data). */
    erasures: (s: string) => `${site(s)}:erasures`,
    /** Hash of counters: decisions by status (survives restarts; read by /metrics). */
    stats: (s: string) => `${site(s)}:stats`,
    /** Pub/sub channel for live updates (decisions, moderator actions). */
    events: (s: string) => `${site(s)}:events`,
    /** Claim on a flagged item by a moderator (expires by itself). */
    claim: (s: string, id: string) => `${site(s)}:c:${id}:claim`,
    /** List of moderator decisions kept as labelled examples. */
    labels: (s: string) => `${site(s)}:labels`,
    /** Queue name (BullMQ adds its own suffixes under the prefix). */
    moderationQueue: 'moderation',
  };
}
