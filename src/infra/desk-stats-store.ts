/**
 * Figures a desk lead watches, kept small in Redis: decisions per hour by moderator, moderator
 * decisions and overturns of the model per reason code, and samples of the flagged backlog (size
 * and age of its oldest item) over time.
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

/** One backlog sample. */
export interface BacklogSample {
  at: string;
  backlog: number;
  oldestAgeSeconds: number;
}

export interface DeskFigures {
  /** `[{hour, moderator, decisions}]`, oldest hour first. */
  perHour: Array<{ hour: string; moderator: string; decisions: number }>;
  /** Per reason code of the automatic decision: moderator decisions on such items and how many overturned it. */
  overturns: Array<{ code: string; decided: number; overturned: number; rate: number }>;
  backlog: BacklogSample[];
}

const SAMPLES_KEPT = 2 * 24 * 60;
/** Hourly counts older than this are dropped when the figures are read. */
const HOURS_KEPT = 14 * 24;
const hourOf = (at: string) => `${at.slice(0, 13)}:00Z`;

export class DeskStatsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Counts a moderator's approve/reject. `overturned` when it differs from what the model wanted
   * (approving a flagged or rejected comment, rejecting an approved one); `codes` are the model's reasons.
   */
  async recordDecision(site: string, moderator: string, at: string, codes: readonly string[], overturned: boolean): Promise<void> {
    const key = this.keys.deskStats(site);
    const multi = this.redis.multi().hincrby(key, `h|${hourOf(at)}|${moderator}`, 1);
    for (const code of new Set(codes.length ? codes : ['NONE'])) {
      multi.hincrby(key, `r|${code}|decided`, 1);
      if (overturned) multi.hincrby(key, `r|${code}|overturned`, 1);
    }
    await multi.exec();
  }

  /** Stores a backlog sample for the current minute (several processes overwrite the same minute). */
  async sampleBacklog(site: string, now: Date): Promise<BacklogSample> {
    const [[, backlog], [, oldest]] = (await this.redis.multi().zcard(this.keys.flaggedByAge(site)).zrange(this.keys.flaggedByAge(site), '0', '0', 'WITHSCORES').exec()) as [[unknown, number], [unknown, string[]]];
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const oldestAgeSeconds = oldest.length ? Math.max(0, Math.round((now.getTime() - Number(oldest[1])) / 1000)) : 0;
    const key = this.keys.backlogSamples(site);
    await this.redis.multi().zremrangebyscore(key, minute, minute).zadd(key, minute, `${minute}:${backlog}:${oldestAgeSeconds}`).zremrangebyrank(key, 0, -SAMPLES_KEPT - 1).exec();
    return { at: new Date(minute).toISOString(), backlog, oldestAgeSeconds };
  }

  /** The current backlog without storing a sample (Prometheus gauges). */
  async backlog(site: string, now: Date): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const [[, backlog], [, oldest]] = (await this.redis.multi().zcard(this.keys.flaggedByAge(site)).zrange(this.keys.flaggedByAge(site), '0', '0', 'WITHSCORES').exec()) as [[unknown, number], [unknown, string[]]];
    return { backlog, oldestAgeSeconds: oldest.length ? Math.max(0, (now.getTime() - Number(oldest[1])) / 1000) : 0 };
  }

  /** Everything the desk page draws, for the last `hours` hours. */
  async figures(site: string, now: Date, hours = 24): Promise<DeskFigures> {
    const since = now.getTime() - hours * 3600_000;
    const [fields, samples] = await Promise.all([this.redis.hgetall(this.keys.deskStats(site)), this.redis.zrangebyscore(this.keys.backlogSamples(site), since, '+inf')]);
    const perHour: DeskFigures['perHour'] = [];
    const reasons = new Map<string, { decided: number; overturned: number }>();
    const expired: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      const [kind, a, b] = field.split('|');
      if (kind === 'h' && Date.parse(a) < now.getTime() - HOURS_KEPT * 3600_000) expired.push(field);
      if (kind === 'h' && Date.parse(a) >= since - 3600_000) perHour.push({ hour: a, moderator: b, decisions: Number(value) });
      if (kind === 'r') {
        const row = reasons.get(a) ?? { decided: 0, overturned: 0 };
        row[b as 'decided' | 'overturned'] = Number(value);
        reasons.set(a, row);
      }
    }
    if (expired.length) await this.redis.hdel(this.keys.deskStats(site), ...expired);
    perHour.sort((x, y) => x.hour.localeCompare(y.hour) || x.moderator.localeCompare(y.moderator));
    const overturns = [...reasons].map(([code, r]) => ({ code, ...r, rate: r.decided ? Math.round((r.overturned / r.decided) * 1000) / 1000 : 0 })).sort((x, y) => x.code.localeCompare(y.code));
    const backlog = samples.map((m) => {
      const [ms, b, age] = m.split(':').map(Number);
      return { at: new Date(ms).toISOString(), backlog: b, oldestAgeSeconds: age };
    });
    return { perHour, overturns, backlog };
  }
}
