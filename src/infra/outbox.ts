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
 * Lua: `outbox_push(listKey, dueKey, seqKey, subject, eventId, bodyJson, nowMs)` → sequence, or nil and
 * an error reply when the subject's list has another type (its RPUSH, under pcall, is the type check;
 * the sequence is then taken back, so nothing stays written).
 */
export const OUTBOX_PUSH_LUA = `
local function outbox_push(listKey, dueKey, seqKey, subject, eventId, body, nowMs)
  local seq = redis.call('HINCRBY', seqKey, subject, 1)
  local pushed = redis.pcall('RPUSH', listKey, '{"eventId":' .. cjson.encode(eventId) .. ',"sequence":' .. seq .. ',' .. string.sub(body, 2))
  if type(pushed) == 'table' and pushed['err'] then
    if seq == 1 then redis.call('HDEL', seqKey, subject) else redis.call('HINCRBY', seqKey, subject, -1) end
    return nil, pushed
  end
  redis.call('ZADD', dueKey, 'NX', nowMs, subject)
  return seq
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

const ENQUEUE = `${OUTBOX_PUSH_LUA}
local seq, refused = outbox_push(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if refused then return refused end
return seq`;

// KEYS: due, attempts, dlq. ARGV: nowMs, limit, leaseMs, maxAttempts, listPrefix, site, nowIso.
// Counts an attempt per claim, so a dispatcher that dies mid-delivery still uses one up.
const CLAIM = `${DEAD_LETTER_LUA}
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[4])
local claimed, dead = {}, {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
  local lk = ARGV[5] .. s
  local head = redis.call('LINDEX', lk, 0)
  local att = 0
  while head do
    att = redis.call('HINCRBY', KEYS[2], s, 1)
    if att <= max then break end
    table.insert(dead, dead_letter(KEYS[3], ARGV[6], s, head, 'gave up after ' .. max .. ' attempts; the last ones ended without an answer (the dispatcher stopped mid-delivery)', max, ARGV[7]))
    redis.call('LPOP', lk)
    redis.call('HDEL', KEYS[2], s)
    head = redis.call('LINDEX', lk, 0)
  end
  if head then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), s)
    table.insert(claimed, s)
    table.insert(claimed, head)
    table.insert(claimed, att)
  else
    redis.call('ZREM', KEYS[1], s)
  end
end
return {claimed, dead}`;

// KEYS: due, attempts, dlq. ARGV: nowMs, maxAttempts, listPrefix, site, nowIso, then per claimed event
// subject, eventId, ok|fail, retryAtMs, error. One outcome per event, in order. A delivered event is
// popped first and put back in the rare case it is no longer the subject's head (settled by another).
const SETTLE = `${DEAD_LETTER_LUA}
local function settle(s, id, ok, retryAt, err)
  local lk = ARGV[3] .. s
  if ok == 'ok' then
    local head = redis.call('LPOP', lk)
    if not head then return 'gone' end
    if event_id(head) ~= id then redis.call('LPUSH', lk, head); return 'gone' end
  else
    local head = redis.call('LINDEX', lk, 0)
    if not head or event_id(head) ~= id then return 'gone' end
    local att = tonumber(redis.call('HGET', KEYS[2], s) or '0')
    if att < tonumber(ARGV[2]) then
      redis.call('ZADD', KEYS[1], retryAt, s)
      return 'retry'
    end
    dead_letter(KEYS[3], ARGV[4], s, head, err, att, ARGV[5])
    redis.call('LPOP', lk)
  end
  redis.call('HDEL', KEYS[2], s)
  if redis.call('LLEN', lk) > 0 then redis.call('ZADD', KEYS[1], ARGV[1], s) else redis.call('ZREM', KEYS[1], s) end
  if ok == 'ok' then return 'delivered' end
  return 'dead-lettered'
end
local out = {}
for i = 6, #ARGV, 5 do table.insert(out, settle(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])) end
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
    this.claimScript = script(redis, 'cmOutboxClaim', 3, CLAIM);
    this.settleScript = script(redis, 'cmOutboxSettleManyV1', 3, SETTLE);
  }

  /**
   * Adds an event for the site's CMS: it gets a new event id and the next sequence number of its
   * subject, and is delivered after every earlier event of that subject. For events that report a
   * change stored elsewhere, prefer writing both in one script (as the decision script does).
   */
  async enqueueEvent(site: string, event: OutboxEvent): Promise<{ eventId: string; sequence: number }> {
    const eventId = randomUUID();
    const sequence = (await this.redis.eval(
      ENQUEUE,
      3,
      this.keys.outbox(site, event.subject),
      this.keys.outboxDue(site),
      this.keys.eventSequences(site),
      event.subject,
      eventId,
      eventBody(event.body),
      String(this.now().getTime()),
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
      this.keys.outboxAttempts(site),
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
