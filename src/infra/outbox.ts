/**
 * The outbox: events for a site's CMS (decisions, author actions), kept in Redis until delivered.
 *
 * Each event belongs to a subject (`c:ID` for a comment, `u:ID` for an author) and gets the next
 * sequence number of that subject and a unique event id, in the same atomic write as the change it
 * reports (the decision script includes `OUTBOX_PUSH_LUA`). Pending events wait in one list per
 * subject, oldest first; a per-site sorted set says when each subject may next be taken. The
 * dispatcher (`workers/callback-dispatcher.ts`) claims subjects in batches with a lease, delivers
 * the oldest event of each, and settles: delivered → the next one of that subject becomes due;
 * failed → retried after a backoff; after the last attempt → the site's dead-letter hash. So a
 * subject's event n+1 is never sent before event n was delivered or dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { script, type RedisClient as Redis } from './redis';
import { keyPart, type Keys } from './keys';
import type { CallbackJobData, CallbackQueue } from './queues';

/** The subject of a comment's events. */
export const commentSubject = (commentId: string) => `c:${keyPart(commentId)}`;
/** The subject of an author's events (e.g. `user.moderated`). */
export const authorSubject = (authorId: string) => `u:${keyPart(authorId)}`;

/**
 * An event as the caller describes it: `body` is what the CMS receives, without `eventId` and
 * `sequence`, which the outbox adds in front. It must carry `type` and `site`.
 */
export interface OutboxEvent {
  subject: string;
  body: { type: string; site: string; [field: string]: unknown } | { type: string; site: string };
}

/** An event as delivered: the body plus its id and its subject's sequence number. */
export interface DeliveredEvent {
  eventId: string;
  sequence: number;
  type: string;
  site: string;
  [field: string]: unknown;
}

/**
 * Most subjects ever have one event, delivered at the first attempt, so the dispatcher's bookkeeping is
 * kept to what it cannot do without: a subject's score in the due set is when it may next be taken (ms)
 * plus the attempts started on its oldest event, in 1/1024ths (`due_score`, `attempts_of`: exact in a
 * double until the year 2109). So one ZADD per claim is both the lease and the attempt count (a
 * dispatcher that dies mid-delivery has still used an attempt up), and settling needs no counter of its
 * own. Attempts are counted up to `MAX_ATTEMPTS`. Counters that earlier versions kept in the
 * `outboxAttempts` hash are read (and moved into the score) when a claim finds that hash.
 */
export const MAX_ATTEMPTS = 1023;

/** Lua: the due set's score encoding (above), and ZADD/ZREM of many members in one command. */
export const DUE_SCORE_LUA = `
local function due_score(ms, attempts) return string.format('%.17g', ms + attempts / 1024) end
local function attempts_of(score)
  local s = tonumber(score)
  return math.floor((s - math.floor(s)) * 1024 + 0.5)
end
-- One command per 500 members (Lua's unpack has a limit), usually one for a whole call.
local function zadd_all(key, flag, scoresAndMembers)
  for i = 1, #scoresAndMembers, 1000 do
    local chunk = {}
    for j = i, math.min(i + 999, #scoresAndMembers) do chunk[#chunk + 1] = scoresAndMembers[j] end
    if flag then redis.call('ZADD', key, flag, unpack(chunk)) else redis.call('ZADD', key, unpack(chunk)) end
  end
end
local function zrem_all(key, members)
  for i = 1, #members, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #members) do chunk[#chunk + 1] = members[j] end
    redis.call('ZREM', key, unpack(chunk))
  end
end
`;

/**
 * Lua: `outbox_push(listKey, eventId, sequence, bodyJson)` appends the event to its subject's list, and
 * answers nil, or the error reply when that list has another type (the RPUSH, under pcall, is the type
 * check: nothing is written then). The caller makes the subject due (ZADD NX, one for all its events).
 */
export const OUTBOX_PUSH_LUA = `
local function outbox_push(listKey, eventId, seq, body)
  local pushed = redis.pcall('RPUSH', listKey, '{"eventId":' .. cjson.encode(eventId) .. ',"sequence":' .. seq .. ',' .. string.sub(body, 2))
  if type(pushed) == 'table' and pushed['err'] then return pushed end
  return nil
end
`;

// Moves the oldest event of a subject to the dead-letter hash (payload last, so re-drive can cut it out).
const DEAD_LETTER_LUA = `
local function event_id(ev) return string.match(ev, '^{"eventId":"([^"]+)"') end
local function dead_letter(dlq, site, subject, ev, err, attempts, at)
  local id = event_id(ev)
  redis.call('HSET', dlq, id, '{"id":' .. cjson.encode(id) .. ',"site":' .. cjson.encode(site) .. ',"subject":' .. cjson.encode(subject) ..
    ',"error":' .. cjson.encode(err) .. ',"attempts":' .. attempts .. ',"failedAt":' .. cjson.encode(at) .. ',"payload":' .. ev .. '}')
  return id
end
`;

// KEYS: list, due, sequences, the comment's hash (the sequences key again for other subjects).
// ARGV: subject, eventId, bodyJson, nowMs, 'comment' or 'other'. A comment's sequence lives in its hash
// ('sq', as the decision script keeps it), or in the site's sequences hash for comments stored before
// that (moved into the hash here) and for a comment not stored; other subjects' in the sequences hash.
const ENQUEUE = `${OUTBOX_PUSH_LUA}
local inHash = ARGV[5] == 'comment' and redis.call('HEXISTS', KEYS[4], 'comment') == 1
local last = inHash and redis.call('HGET', KEYS[4], 'sq') or nil
if not last then last = redis.call('HGET', KEYS[3], ARGV[1]) or '0' end
local seq = tonumber(last) + 1
local refused = outbox_push(KEYS[1], ARGV[2], seq, ARGV[3])
if refused then return refused end
if inHash then
  redis.call('HSET', KEYS[4], 'sq', seq)
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[3], ARGV[1], seq)
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[1])
return seq`;

// KEYS: due, legacy attempts, dlq. ARGV: nowMs, limit, leaseMs, maxAttempts, listPrefix, site, nowIso.
// Counts an attempt per claim (in the lease's score), so a dispatcher that dies mid-delivery still uses one up.
const CLAIM = `${DEAD_LETTER_LUA}${DUE_SCORE_LUA}
local now = tonumber(ARGV[1])
local max = math.min(tonumber(ARGV[4]), ${MAX_ATTEMPTS})
-- Due: taken at ms <= now, whatever the attempts (the score's fraction).
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now + 1), 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return {{}, {}} end
local legacy = redis.call('EXISTS', KEYS[2]) == 1
local claimed, dead, leases, empty = {}, {}, {}, {}
for i = 1, #due, 2 do
  local s = due[i]
  local att = attempts_of(due[i + 1])
  if legacy then
    local old = redis.call('HGET', KEYS[2], s)
    if old then
      att = math.max(att, tonumber(old))
      redis.call('HDEL', KEYS[2], s)
    end
  end
  local lk = ARGV[5] .. s
  local head = redis.call('LINDEX', lk, 0)
  if head and att >= max then
    table.insert(dead, dead_letter(KEYS[3], ARGV[6], s, head, 'gave up after ' .. max .. ' attempts; the last ones ended without an answer (the dispatcher stopped mid-delivery)', max, ARGV[7]))
    redis.call('LPOP', lk)
    head = redis.call('LINDEX', lk, 0)
    att = 0
  end
  if head then
    table.insert(leases, due_score(now + tonumber(ARGV[3]), att + 1))
    table.insert(leases, s)
    table.insert(claimed, s)
    table.insert(claimed, head)
    table.insert(claimed, att + 1)
  else
    table.insert(empty, s)
  end
end
zadd_all(KEYS[1], nil, leases)
zrem_all(KEYS[1], empty)
return {claimed, dead}`;

// KEYS: due, dlq. ARGV: nowMs, maxAttempts, listPrefix, site, nowIso, then per claimed event subject,
// eventId, ok|fail, retryAtMs, error. One outcome per event, in order. A delivered event is popped first
// and put back in the rare case it is no longer the subject's head (settled by another). The due set's
// changes are written at the end, one ZADD and one ZREM for the whole call.
const SETTLE = `${DEAD_LETTER_LUA}${DUE_SCORE_LUA}
local max = math.min(tonumber(ARGV[2]), ${MAX_ATTEMPTS})
local scores, empty = {}, {}
local function settle(s, id, ok, retryAt, err)
  local lk = ARGV[3] .. s
  if ok == 'ok' then
    local head = redis.call('LPOP', lk)
    if not head then return 'gone' end
    if event_id(head) ~= id then redis.call('LPUSH', lk, head); return 'gone' end
  else
    local head = redis.call('LINDEX', lk, 0)
    if not head or event_id(head) ~= id then return 'gone' end
    local att = attempts_of(redis.call('ZSCORE', KEYS[1], s) or '0')
    if att < max then
      table.insert(scores, due_score(tonumber(retryAt), att))
      table.insert(scores, s)
      return 'retry'
    end
    dead_letter(KEYS[2], ARGV[4], s, head, err, att, ARGV[5])
    redis.call('LPOP', lk)
  end
  if redis.call('LLEN', lk) > 0 then
    table.insert(scores, ARGV[1])
    table.insert(scores, s)
  else
    table.insert(empty, s)
  end
  if ok == 'ok' then return 'delivered' end
  return 'dead-lettered'
end
local out = {}
for i = 6, #ARGV, 5 do table.insert(out, settle(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])) end
zrem_all(KEYS[1], empty)
zadd_all(KEYS[1], nil, scores)
return out`;

// KEYS: dlq, list, due. ARGV: id, eventJson, nowMs. Back into the outbox (at the end of its subject's list).
const REDRIVE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], string.sub(KEYS[2], #ARGV[4] + 1))
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`;

/** One claimed subject: its oldest pending event (raw JSON, sent as is) and the attempt it is on. */
export interface ClaimedEvent {
  subject: string;
  raw: string;
  eventId: string;
  attempt: number;
}

export type SettleOutcome = 'delivered' | 'retry' | 'dead-lettered' | 'gone';

export interface SettleInput {
  subject: string;
  eventId: string;
  ok: boolean;
  /** When a failed event may be tried again (ms since epoch). */
  retryAt: number;
  error?: string;
}

export interface ClaimOptions {
  limit: number;
  /** How long the claim holds (longer than a delivery can take, so two dispatchers never race). */
  leaseMs: number;
  maxAttempts: number;
}

export class Outbox {
  /** The dispatcher's scripts, run for every delivery: registered once (EVALSHA). */
  private readonly claimScript: (...args: Array<string | number>) => Promise<[Array<string | number>, string[]]>;
  private readonly settleScript: (...args: Array<string | number>) => Promise<SettleOutcome[]>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.claimScript = script(redis, 'cmOutboxClaimV2', 3, CLAIM);
    this.settleScript = script(redis, 'cmOutboxSettleManyV2', 2, SETTLE);
  }

  /**
   * Adds an event for the site's CMS: it gets a new event id and the next sequence number of its
   * subject, and is delivered after every earlier event of that subject. For events that report a
   * change stored elsewhere, prefer writing both in one script (as the decision script does).
   */
  async enqueueEvent(site: string, event: OutboxEvent): Promise<{ eventId: string; sequence: number }> {
    const eventId = randomUUID();
    // A comment subject is `c:` and the encoded id, as the comment's key ends.
    const commentKey = event.subject.startsWith('c:') ? this.keys.comment(site, '') + event.subject.slice(2) : undefined;
    const sequence = (await this.redis.eval(
      ENQUEUE,
      4,
      this.keys.outbox(site, event.subject),
      this.keys.outboxDue(site),
      this.keys.eventSequences(site),
      commentKey ?? this.keys.eventSequences(site),
      event.subject,
      eventId,
      eventBody(event.body),
      String(this.now().getTime()),
      commentKey ? 'comment' : 'other',
    )) as number;
    return { eventId, sequence };
  }

  /** Takes up to `limit` subjects whose next event is due; dead-letters events out of attempts. */
  async claim(site: string, o: ClaimOptions): Promise<{ claimed: ClaimedEvent[]; deadLettered: string[] }> {
    const now = this.now();
    const [flat, dead] = await this.claimScript(
      this.keys.outboxDue(site),
      this.keys.outboxAttempts(site),
      this.keys.deadLetters(site),
      String(now.getTime()),
      String(o.limit),
      String(o.leaseMs),
      String(o.maxAttempts),
      this.keys.outbox(site, ''),
      site,
      now.toISOString(),
    );
    const claimed: ClaimedEvent[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const raw = String(flat[i + 1]);
      claimed.push({ subject: String(flat[i]), raw, eventId: /^\{"eventId":"([^"]+)"/.exec(raw)?.[1] ?? '', attempt: Number(flat[i + 2]) });
    }
    return { claimed, deadLettered: dead };
  }

  /** Records the outcome of delivering claimed events, in one script call. */
  async settle(site: string, results: SettleInput[], maxAttempts: number): Promise<SettleOutcome[]> {
    if (results.length === 0) return [];
    const now = this.now();
    return this.settleScript(
      this.keys.outboxDue(site),
      this.keys.deadLetters(site),
      String(now.getTime()),
      String(maxAttempts),
      this.keys.outbox(site, ''),
      site,
      now.toISOString(),
      ...results.flatMap((r) => [r.subject, r.eventId, r.ok ? 'ok' : 'fail', String(r.retryAt), r.error ?? '']),
    );
  }

  /**
   * Puts a dead-lettered event back at the end of its subject's pending events, with its own event
   * id and sequence (a CMS that applies only newer sequences ignores it if something newer came).
   */
  async redrive(site: string, id: string, subject: string, event: DeliveredEvent): Promise<boolean> {
    const list = this.keys.outbox(site, subject);
    const moved = await this.redis.eval(REDRIVE, 3, this.keys.deadLetters(site), list, this.keys.outboxDue(site), id, JSON.stringify(event), String(this.now().getTime()), this.keys.outbox(site, ''));
    return moved === 1;
  }

  /** Subjects with pending events (for the metrics gauge). */
  async pending(site: string): Promise<number> {
    return this.redis.zcard(this.keys.outboxDue(site));
  }

  /** Every pending event of a subject, oldest first (tests, erasure). */
  async pendingEvents(site: string, subject: string): Promise<DeliveredEvent[]> {
    return (await this.redis.lrange(this.keys.outbox(site, subject), 0, -1)).map((s) => JSON.parse(s) as DeliveredEvent);
  }
}

/** The body JSON the outbox scripts extend: an object with at least `type` and `site`. */
export function eventBody(body: OutboxEvent['body']): string {
  const { eventId: _id, sequence: _seq, ...rest } = body as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** The outbox as the `CallbackQueue` of events other than decisions (e.g. `user.moderated`). */
export class OutboxCallbacks implements CallbackQueue {
  constructor(private readonly outbox: Outbox) {}

  async add({ site, payload }: CallbackJobData): Promise<string> {
    const subject = payload.type === 'user.moderated' ? authorSubject(payload.user.id) : commentSubject(payload.comment.id);
    return (await this.outbox.enqueueEvent(site, { subject, body: payload })).eventId;
  }
}
