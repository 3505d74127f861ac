/**
 * Every Redis key the service uses, in one place. Keys are `<base>:{<site>}:…` where `<base>` is the
 * configured prefix without braces (default `cm`): the site id is the Redis Cluster hash tag, so one
 * site's comments, threads, author records and queue indexes share a slot (every Lua script touches
 * one slot) while different sites spread over the shards. BullMQ queues are sharded the same way:
 * `<base>:{q<n>}:moderation:…`, a site's jobs going to shard `queueShard(site, shards)`.
 */
export type Keys = ReturnType<typeof createKeys>;

/** The prefix without braces: hash tags are the keys' own business (see above). */
export const keyBase = (prefix: string) => prefix.replace(/[{}]/g, '');

/**
 * Encodes an id from outside input for use inside a key: `%`, `:`, braces, space and ASCII control
 * characters become `%XX`, so no id can forge another key's name (`X:h` is not X's history) or a hash
 * tag. Injective, and the identity for ids the API accepts (see `Id` in src/api/schemas.ts).
 */
export const keyPart = (id: string): string => id.replace(/[%:{}\u0000-\u0020\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);

/** FNV-1a of the site id, modulo the number of queue shards: stable across processes and restarts. */
export function queueShard(site: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, shards);
}

export function createKeys(prefix: string, queueShards = 1) {
  const base = keyBase(prefix);
  const site = (s: string) => `${base}:{${s}}`;
  return {
    /** Every key starts with `${base}:` (used to find and delete them). */
    base,
    queueShards: Math.max(1, queueShards),
    /** BullMQ prefix of queue shard `n` (its own hash tag, so a queue's keys share a slot). */
    queuePrefix: (n: number) => `${base}:{q${n}}`,
    /** Hash: the comment as received, its body hash, status and current decision. */
    comment: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}`,
    /** List of JSON history entries (received, edited, decided, moderated …), oldest first. */
    history: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:h`,
    /** Hash: article title, body, url, publishedAt. */
    article: (s: string, id: string) => `${site(s)}:a:${keyPart(id)}`,
    /** Hash: article id → its `updatedAt`, so a worker checks the articles of a group's comments in one HMGET. */
    articleVersions: (s: string) => `${site(s)}:av`,
    /** Sorted set of comment ids on an article, scored by time received (the thread). */
    articleComments: (s: string, id: string) => `${site(s)}:a:${keyPart(id)}:c`,
    /** Set of the ids of an author's comments (erasure of an author). */
    authorComments: (s: string, authorId: string) => `${site(s)}:u:${keyPart(authorId)}:c`,
    /** Sorted set of decided (approved/rejected) comment ids by decision time, for retention. */
    decidedByTime: (s: string) => `${site(s)}:ret`,
    /** Capped list, newest first, of what the pipeline reads of an article's recent comments (id, body, author, time). */
    articleThread: (s: string, id: string) => `${site(s)}:a:${keyPart(id)}:t`,
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
    /**
     * List of pending events (JSON, oldest first) of one subject, the outbox; subjects are built by
     * `commentSubject`/`authorSubject` (src/infra/outbox.ts) from encoded ids.
     */
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
    /** Set of the article ids counted in the site's article statistics (relevance). */
    termArticles: (s: string) => `${site(s)}:terms:a`,
    /** Hash: stem → how many of the site's counted articles use it. */
    termCounts: (s: string) => `${site(s)}:terms:df`,
    /** Claim on a flagged item by a moderator (expires by itself). */
    claim: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:claim`,
    /** Marker of a signed request already accepted (expires with the signature window). */
    seenSignature: (s: string, replayId: string) => `${site(s)}:sig:${keyPart(replayId)}`,
    /** List of moderator decisions kept as labelled examples. */
    labels: (s: string) => `${site(s)}:labels`,
    /** Hash: label id → JSON of the site's labelled history (imports, API, moderators); site learning trains on it. */
    siteLabels: (s: string) => `${site(s)}:sl`,
    /** Counter of labels ever added to `siteLabels` (replacements included): "new labels since training". */
    siteLabelAdditions: (s: string) => `${site(s)}:sl:n`,
    /** JSON of the site's current adapter, and the counter its versions come from. */
    adapter: (s: string) => `${site(s)}:adapter`,
    adapterVersion: (s: string) => `${site(s)}:adapter:v`,
    /** JSON of the last training attempt (label additions, general model version), stored or not. */
    adapterAttempt: (s: string) => `${site(s)}:adapter:attempt`,
    /** Stream of the site's live events (capped), so a reconnecting page can replay what it missed. */
    eventLog: (s: string) => `${site(s)}:events:log`,
    /** Sorted sets of decided comments by status (`approved`, `rejected`), scored by decision time. */
    decidedByStatus: (s: string, status: string) => `${site(s)}:q:st:${keyPart(status)}`,
    /** Sorted set of escalated flagged comments (scored by priority). */
    escalated: (s: string) => `${site(s)}:q:esc`,
    /** Sorted set of comments with open reader reports, by report-weighted priority. */
    reported: (s: string) => `${site(s)}:q:rep`,
    /** Hash: reporter id → JSON report on one comment. */
    reports: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:rep`,
    /** Hash: report totals of one comment (count, weight, per-reason counts, resolved). */
    reportTotals: (s: string, id: string) => `${site(s)}:c:${keyPart(id)}:rept`,
    /** Hash: a reporter's record (reports upheld / rejected by moderators). */
    reporter: (s: string, reporterId: string) => `${site(s)}:rp:${keyPart(reporterId)}`,
    /** Hash: moderation state of an author (ban, suspension, pre-moderation, trust). */
    authorState: (s: string, authorId: string) => `${site(s)}:u:${keyPart(authorId)}:st`,
    /** List of JSON notes on an author by moderators, oldest first. */
    authorNotes: (s: string, authorId: string) => `${site(s)}:u:${keyPart(authorId)}:notes`,
    /** List of JSON moderator actions on an author (their audit trail), newest first. */
    authorLog: (s: string, authorId: string) => `${site(s)}:u:${keyPart(authorId)}:log`,
    /** List of JSON moderator actions of the site (audit trail), newest first, capped. */
    audit: (s: string) => `${site(s)}:audit`,
    /** Hash: hour (ISO, UTC) + moderator → decisions; hour + reason → decisions and overturns. */
    deskStats: (s: string) => `${site(s)}:desk`,
    /** Sorted set of backlog samples (`<ms>:<backlog>:<oldestAgeSeconds>`) scored by time. */
    backlogSamples: (s: string) => `${site(s)}:desk:backlog`,
    /** Hash: moderator account name → JSON account (role, sites, token hash; created through the admin API). Global: one slot for the whole deployment (`{mod}`), shared with the token index. */
    moderatorAccounts: `${base}:{mod}:accounts`,
    /** Hash: SHA-256 of an account's current token → account name. */
    moderatorTokens: `${base}:{mod}:tokens`,
    /** Queue names (BullMQ adds its own suffixes under the shard's prefix). */
    moderationQueue: 'moderation',
    callbackQueue: 'callbacks',
    /** Site learning's retraining queue (not per site; on queue shard 0's prefix). */
    siteTrainingQueue: 'site-training',
  };
}

/** Lua twin of `keyPart`, for scripts that build a key from an id they read (an old article id). */
export const KEY_PART_LUA = `
local function key_part(id)
  return (string.gsub(id, '[%%:{}%c ]', function(c) return string.format('%%%02X', string.byte(c)) end))
end
`;

/**
 * A key function's output split around its id argument, so a script can build the key for another
 * id: `before .. key_part(id) .. after`.
 */
export function keyAround(key: (id: string) => string): [string, string] {
  const marker = 'KEYAROUNDMARKER';
  const built = key(marker);
  const at = built.indexOf(marker);
  return [built.slice(0, at), built.slice(at + marker.length)];
}
