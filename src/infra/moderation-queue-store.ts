/**
 * Reads the queues from the sorted-set indexes every decision (and report) maintains (see
 * use-cases/decision-write.ts): one page per call, keyset-paginated on (score, id), so a page
 * costs the same at item 10 as at item 10,000 and never skips or repeats when items come and go.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from './redis';
import type { ReasonCode } from '../moderation/types';
import type { Keys } from './keys';

/** `priority`: most urgent first (severity, then oldest). `age`: oldest first. */
export type QueueSort = 'priority' | 'age';

/**
 * The listings: `flagged` (waiting for a person; sorts and filters apply), `reported` (open reader
 * reports, by weighted reports and severity), `escalated`, `approved` / `rejected` (newest decision
 * first) and `article` (every comment of `filter.articleId`, in thread order).
 */
export const QUEUES = ['flagged', 'reported', 'escalated', 'approved', 'rejected', 'article'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface QueueFilter {
  reason?: ReasonCode;
  articleId?: string;
  authorId?: string;
}

/** Position after the last item of a page: its score (as Redis prints it) and id. */
export interface QueueCursor {
  score: string;
  id: string;
}

export interface QueuePageQuery {
  site: string;
  /** Default `flagged`. */
  queue?: QueueName;
  sort: QueueSort;
  filter: QueueFilter;
  cursor?: QueueCursor;
  limit: number;
}

export interface QueuePage {
  /** Comment ids in queue order with their index score. */
  entries: Array<{ id: string; score: string }>;
  /** Items matching the filter, all pages together. */
  total: number;
  /** Set when more items may follow. */
  next?: QueueCursor;
}

// KEYS[1]: the index to page through; with ARGV[5] = n > 0 it is a temporary key built here as the
// intersection of KEYS[2..n+1] (ARGV[6..] weights pick which input's score counts), and dropped after.
// ARGV: direction, cursor score ('' for the first page), cursor id, limit, n, weights...
// Ties on the cursor's score are resolved by member, compared byte-wise like Redis orders them.
const PAGE = `
local src, desc, cs, cid, limit, n = KEYS[1], ARGV[1] == 'desc', ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if n > 0 then
  local args = {'ZINTERSTORE', src, n}
  for i = 2, n + 1 do args[#args + 1] = KEYS[i] end
  args[#args + 1] = 'WEIGHTS'
  for i = 1, n do args[#args + 1] = ARGV[5 + i] end
  redis.call(unpack(args))
end
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local out = {}
if cs == '' then
  if desc then out = redis.call('ZREVRANGE', src, 0, limit - 1, 'WITHSCORES')
  else out = redis.call('ZRANGE', src, 0, limit - 1, 'WITHSCORES') end
else
  local ties = redis.call('ZRANGEBYSCORE', src, cs, cs)
  local from, to, step = 1, #ties, 1
  if desc then from, to, step = #ties, 1, -1 end
  for i = from, to, step do
    local m = ties[i]
    if #out < limit * 2 and ((desc and before(m, cid)) or (not desc and before(cid, m))) then
      out[#out + 1] = m
      out[#out + 1] = cs
    end
  end
  local need = limit - #out / 2
  if need > 0 then
    local rest
    if desc then rest = redis.call('ZREVRANGEBYSCORE', src, '(' .. cs, '-inf', 'WITHSCORES', 'LIMIT', 0, need)
    else rest = redis.call('ZRANGEBYSCORE', src, '(' .. cs, '+inf', 'WITHSCORES', 'LIMIT', 0, need) end
    for _, v in ipairs(rest) do out[#out + 1] = v end
  end
end
local total = redis.call('ZCARD', src)
if n > 0 then redis.call('DEL', src) end
return {total, out}
`;

export class ModerationQueueStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** One page of the flagged queue in the requested order, filtered by every filter given. */
  async page(q: QueuePageQuery): Promise<QueuePage> {
    if (q.queue && q.queue !== 'flagged') return this.listing(q, q.queue);
    return this.flagged(q);
  }

  /** A listing other than the flagged queue: one index, in its own order. */
  private async listing(q: QueuePageQuery, queue: Exclude<QueueName, 'flagged'>): Promise<QueuePage> {
    const { site } = q;
    const key =
      queue === 'reported' ? this.keys.reported(site)
      : queue === 'escalated' ? this.keys.escalated(site)
      : queue === 'article' ? this.keys.articleComments(site, q.filter.articleId ?? '')
      : this.keys.decidedByStatus(site, queue);
    return this.run([key], [], queue === 'article' ? 'asc' : 'desc', q);
  }

  private async flagged(q: QueuePageQuery): Promise<QueuePage> {
    const { site, filter } = q;
    const filters = [
      filter.reason ? this.keys.flaggedByReason(site, filter.reason) : null,
      filter.articleId ? this.keys.flaggedByArticle(site, filter.articleId) : null,
      filter.authorId ? this.keys.flaggedByAuthor(site, filter.authorId) : null,
    ].filter((k): k is string => k !== null);
    // The filter indexes are scored by priority; the age index by time received.
    const ordering = q.sort === 'age' ? this.keys.flaggedByAge(site) : this.keys.flaggedByPriority(site);
    let keys: string[];
    let weights: string[] = [];
    if (filters.length === 0) keys = [ordering];
    else if (filters.length === 1 && q.sort === 'priority') keys = [filters[0]];
    else {
      const inputs = [ordering, ...filters];
      keys = [`${this.keys.flaggedByPriority(site)}:tmp:${randomUUID()}`, ...inputs];
      weights = inputs.map((_, i) => (i === 0 ? '1' : '0'));
    }
    return this.run(keys, weights, q.sort === 'age' ? 'asc' : 'desc', q);
  }

  private async run(keys: string[], weights: string[], direction: 'asc' | 'desc', q: QueuePageQuery): Promise<QueuePage> {
    const [total, flat] = (await this.redis.eval(
      PAGE,
      keys.length,
      ...keys,
      direction,
      q.cursor?.score ?? '',
      q.cursor?.id ?? '',
      String(q.limit),
      String(weights.length),
      ...weights,
    )) as [number, string[]];
    const entries: QueuePage['entries'] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i], score: flat[i + 1] });
    const last = entries[entries.length - 1];
    return { entries, total, next: entries.length === q.limit && last ? { score: last.score, id: last.id } : undefined };
  }
}
