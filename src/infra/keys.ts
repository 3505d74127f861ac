/**
 * Every Redis key the service uses, in one place. All keys start with the configured prefix
 * (default `{cm}`: a hash tag, so on Redis Cluster every key lands in one slot and Lua scripts
 * may touch several). BullMQ queues use the same prefix.
 */
export type Keys = ReturnType<typeof createKeys>;

/**
 * Encodes an id from outside input for use inside a key: `%`, `:`, braces, space and ASCII control
 * characters become `%XX`, so no id can forge another key's name (`X:h` is not X's history) or a hash
 * tag. Injective, and the identity for ids the API accepts (see `Id` in src/api/schemas.ts).
 */
export const keyPart = (id: string): string => id.replace(/[%:{}\u0000-\u0020\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);

export function createKeys(prefix: string) {
  const site = (s: string) => `${prefix}:s:${s}`;
  return {
    prefix,
    /** Hash: the comment as received, its body hash, status and current decision. */
    comment: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}`,
    /** List of JSON history entries (received, edited, decided, moderated …), oldest first. */
    history: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:h`,
    /** Hash: article title, body, url, publishedAt. */
    article: (s: string, id: string) => `${site(s)}:a:${keyPart(id)}`,
    /** Sorted set of comment ids on an article, scored by time received (the thread). */
    articleComments: (s: string, id: string) => `${site(s)}:a:${keyPart(id)}:c`,
    /** List of JSON decisions on an author's comments, newest first (capped). */
    authorDecisions: (s: string, authorId: string) => `${site(s)}:u:${keyPart(authorId)}:d`,
    /** Set of comment ids that posted the same normalised text (expires). */
    textPosts: (s: string, textHash: string) => `${site(s)}:t:${keyPart(textHash)}`,
    /** Sorted sets of flagged comment ids: by priority (higher first) and by age. */
    flaggedByPriority: (s: string) => `${site(s)}:q:prio`,
    flaggedByAge: (s: string) => `${site(s)}:q:age`,
    /** Per-filter indexes of the flagged queue (scored by priority). */
    flaggedByReason: (s: string, code: string) => `${site(s)}:q:r:${keyPart(code)}`,
    flaggedByArticle: (s: string, articleId: string) => `${site(s)}:q:a:${keyPart(articleId)}`,
    flaggedByAuthor: (s: string, authorId: string) => `${site(s)}:q:u:${keyPart(authorId)}`,
    /** Hash: callback id → JSON of a callback that exhausted its retries. */
    deadLetters: (s: string) => `${site(s)}:dlq`,
    /** Hash of counters: decisions by status (survives restarts; read by /metrics). */
    stats: (s: string) => `${site(s)}:stats`,
    /** Pub/sub channel for live updates (decisions, moderator actions). */
    events: (s: string) => `${site(s)}:events`,
    /** Claim on a flagged item by a moderator (expires by itself). */
    claim: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:claim`,
    /** Marker of a signed request already accepted (expires with the signature window). */
    seenSignature: (s: string, replayId: string) => `${site(s)}:sig:${keyPart(replayId)}`,
    /** List of moderator decisions kept as labelled examples. */
    labels: (s: string) => `${site(s)}:labels`,
    /** Stream of the site's live events (capped), so a reconnecting page can replay what it missed. */
    eventLog: (s: string) => `${site(s)}:events:log`,
    /** Sorted sets of decided comments by status (`approved`, `rejected`), scored by decision time. */
    decidedByStatus: (s: string, status: string) => `${site(s)}:q:st:${status}`,
    /** Sorted set of escalated flagged comments (scored by priority). */
    escalated: (s: string) => `${site(s)}:q:esc`,
    /** Sorted set of comments with open reader reports, by report-weighted priority. */
    reported: (s: string) => `${site(s)}:q:rep`,
    /** Hash: reporter id → JSON report on one comment. */
    reports: (s: string, id: string) => `${site(s)}:c:${id}:rep`,
    /** Hash: report totals of one comment (count, weight, per-reason counts, resolved). */
    reportTotals: (s: string, id: string) => `${site(s)}:c:${id}:rept`,
    /** Hash: a reporter's record (reports upheld / rejected by moderators). */
    reporter: (s: string, reporterId: string) => `${site(s)}:rp:${reporterId}`,
    /** Hash: moderation state of an author (ban, suspension, pre-moderation, trust). */
    authorState: (s: string, authorId: string) => `${site(s)}:u:${authorId}:st`,
    /** List of JSON notes on an author by moderators, oldest first. */
    authorNotes: (s: string, authorId: string) => `${site(s)}:u:${authorId}:notes`,
    /** List of JSON moderator actions on an author (their audit trail), newest first. */
    authorLog: (s: string, authorId: string) => `${site(s)}:u:${authorId}:log`,
    /** List of JSON moderator actions of the site (audit trail), newest first, capped. */
    audit: (s: string) => `${site(s)}:audit`,
    /** Hash: hour (ISO, UTC) + moderator → decisions; hour + reason → decisions and overturns. */
    deskStats: (s: string) => `${site(s)}:desk`,
    /** Sorted set of backlog samples (`<ms>:<backlog>:<oldestAgeSeconds>`) scored by time. */
    backlogSamples: (s: string) => `${site(s)}:desk:backlog`,
    /** Hash: moderator account name → JSON account (role, sites, token hash; created through the admin API). */
    moderatorAccounts: `${prefix}:mod:accounts`,
    /** Hash: SHA-256 of an account's current token → account name. */
    moderatorTokens: `${prefix}:mod:tokens`,
    /** Queue names (BullMQ adds its own suffixes under the prefix). */
    moderationQueue: 'moderation',
    callbackQueue: 'callbacks',
  };
}
