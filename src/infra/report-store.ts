/**
 * Reader reports on comments. One report per reporter per comment; each counts with its reporter's
 * weight (reporters whose reports moderators keep dismissing count less). A comment with open
 * reports sits in the site's Reported queue (`keys.reported`), ranked by weighted reports and the
 * model's severity; a moderator's decision resolves the open reports and updates the reporters'
 * records.
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export const REPORT_REASONS = ['offensive', 'abusive', 'spam', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export interface ReportInput {
  site: string;
  commentId: string;
  reporterId: string;
  reason: ReportReason;
  note?: string;
  at: string;
  /** The comment's severity (0..5, from its automatic decision), part of the queue priority. */
  severity: number;
  receivedAtMs: number;
}

export interface ReportTotals {
  /** Open (unresolved) reports. */
  count: number;
  /** Their summed reporter weights. */
  weight: number;
  reasons: Partial<Record<ReportReason, number>>;
  /** Reports ever made, resolved ones included. */
  total: number;
}

/**
 * Weight of a reporter's report: 1 for a new reporter; each report moderators dismissed (approved the
 * comment) pulls it down, each one upheld pulls it back up; never below 0.1.
 */
export const reporterWeight = (upheld: number, dismissed: number) => Math.max(0.1, (upheld + 1) / (upheld + dismissed + 1));

/** Priority points weighted reports add (same scale as `queuePriority`: 1 severity point = 1000 × 1e10). */
export const reportBoost = (weight: number) => Math.round(Math.min(20, weight) * 2 * 1000) * 1e10;

// KEYS: reports, totals, reporter, reported index. ARGV: reporterId, reportJson, reason, severity, ageRank.
// Returns {added (0|1), count, weight}.
const ADD = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, 0, '0'} end
local rec = redis.call('HMGET', KEYS[3], 'upheld', 'dismissed')
local up, dis = tonumber(rec[1] or '0'), tonumber(rec[2] or '0')
local w = math.max(0.1, (up + 1) / (up + dis + 1))
local report = cjson.decode(ARGV[2])
report.weight = w
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(report))
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HINCRBY', KEYS[2], 'total', 1)
redis.call('HINCRBY', KEYS[2], 'r:' .. ARGV[3], 1)
local weight = tonumber(redis.call('HINCRBYFLOAT', KEYS[2], 'weight', w))
local pts = math.min(20, weight) * 2 + tonumber(ARGV[4])
redis.call('ZADD', KEYS[4], math.floor(pts * 1000) * 1e10 + tonumber(ARGV[5]), ARGV[6])
return {1, tonumber(redis.call('HGET', KEYS[2], 'count')), tostring(weight)}
`;

// KEYS: reports, totals, reported index, then one reporter key per open report. ARGV: commentId, field (upheld|dismissed), reporter ids...
const RESOLVE = `
redis.call('ZREM', KEYS[3], ARGV[1])
local open = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
if open == 0 then return 0 end
for i = 4, #KEYS do redis.call('HINCRBY', KEYS[i], ARGV[2], 1) end
for i = 3, #ARGV do
  local r = redis.call('HGET', KEYS[1], ARGV[i])
  if r then
    local rep = cjson.decode(r)
    if not rep.resolved then
      rep.resolved = ARGV[2]
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(rep))
    end
  end
end
local fields = redis.call('HKEYS', KEYS[2])
for _, f in ipairs(fields) do if string.sub(f, 1, 2) == 'r:' or f == 'count' or f == 'weight' then redis.call('HDEL', KEYS[2], f) end end
return open
`;

export interface StoredReport {
  reporterId: string;
  reason: ReportReason;
  note?: string;
  at: string;
  weight: number;
  /** Set once a moderator decided the comment: whether the report was upheld. */
  resolved?: 'upheld' | 'dismissed';
}

export class ReportStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores the report unless this reporter already reported the comment (`added: false`). */
  async add(input: ReportInput): Promise<{ added: boolean; count: number; weight: number }> {
    const { site, commentId } = input;
    const report = { reporterId: input.reporterId, reason: input.reason, at: input.at, ...(input.note ? { note: input.note } : {}) };
    const ageRank = Math.max(0, 1e10 - Math.floor(input.receivedAtMs / 1000));
    const [added, count, weight] = (await this.redis.eval(
      ADD,
      4,
      this.keys.reports(site, commentId),
      this.keys.reportTotals(site, commentId),
      this.keys.reporter(site, input.reporterId),
      this.keys.reported(site),
      input.reporterId,
      JSON.stringify(report),
      input.reason,
      String(input.severity),
      String(ageRank),
      commentId,
    )) as [number, number, string];
    return { added: added === 1, count, weight: Number(weight) };
  }

  /**
   * Raises a flagged comment in the flagged queue's priority indexes (`entries`: key and base score)
   * by its weighted reports. `ZADD XX` only updates: a comment decided meanwhile is not put back.
   */
  async boostFlagged(commentId: string, entries: ReadonlyArray<readonly [string, number]>, weight: number): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const [key, score] of entries) pipe.zadd(key, 'XX', score + reportBoost(weight), commentId);
    await pipe.exec();
  }

  /** Open-report totals per comment id (zero totals for comments without reports). */
  async totals(site: string, ids: readonly string[]): Promise<Map<string, ReportTotals>> {
    const out = new Map<string, ReportTotals>();
    if (ids.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.reportTotals(site, id));
    const rows = (await pipe.exec()) ?? [];
    ids.forEach((id, i) => {
      const h = (rows[i]?.[1] ?? {}) as Record<string, string>;
      const reasons: ReportTotals['reasons'] = {};
      for (const [k, v] of Object.entries(h)) if (k.startsWith('r:')) reasons[k.slice(2) as ReportReason] = Number(v);
      out.set(id, { count: Number(h.count ?? 0), weight: Math.round(Number(h.weight ?? 0) * 100) / 100, reasons, total: Number(h.total ?? 0) });
    });
    return out;
  }

  /** Every report on a comment, oldest first. */
  async list(site: string, commentId: string): Promise<StoredReport[]> {
    const h = await this.redis.hgetall(this.keys.reports(site, commentId));
    return Object.values(h)
      .map((j) => JSON.parse(j) as StoredReport)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * A moderator decided the comment: its open reports are upheld (rejected comment) or dismissed
   * (approved), each reporter's record updated, and the comment leaves the Reported queue.
   * Returns how many open reports were resolved.
   */
  async resolve(site: string, commentId: string, outcome: 'upheld' | 'dismissed'): Promise<number> {
    const open = (await this.list(site, commentId)).filter((r) => !r.resolved).map((r) => r.reporterId);
    return (await this.redis.eval(
      RESOLVE,
      3 + open.length,
      this.keys.reports(site, commentId),
      this.keys.reportTotals(site, commentId),
      this.keys.reported(site),
      ...open.map((r) => this.keys.reporter(site, r)),
      commentId,
      outcome,
      ...open,
    )) as number;
  }

  /** A reporter's record and the weight their next report gets. */
  async reporter(site: string, reporterId: string): Promise<{ upheld: number; dismissed: number; weight: number }> {
    const h = await this.redis.hgetall(this.keys.reporter(site, reporterId));
    const upheld = Number(h.upheld ?? 0);
    const dismissed = Number(h.dismissed ?? 0);
    return { upheld, dismissed, weight: reporterWeight(upheld, dismissed) };
  }
}
