/**
 * Claims on flagged items: while a moderator looks at a comment, others see who has it and cannot
 * decide it. A claim is one Redis key holding the moderator's name with a TTL, so an abandoned
 * claim expires by itself; the holder renews it by claiming again.
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export type ClaimResult =
  | { ok: true; claimedBy: string; expiresAt: string }
  | { ok: false; claimedBy: string; expiresAt: string };

// Take the claim if free, renew it if ours; otherwise report the holder and its remaining time.
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1], tonumber(ARGV[2])}
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, cur, tonumber(ARGV[2])}
end
return {0, cur, redis.call('PTTL', KEYS[1])}
`;

// Delete only our own claim: 1 released, 0 nothing held, -1 held by someone else.
const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cur ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 1
`;

export class ClaimStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Takes or renews the claim for `moderator`; fails (ok: false) while another moderator holds it. */
  async claim(site: string, commentId: string, moderator: string): Promise<ClaimResult> {
    const [ok, claimedBy, ttl] = (await this.redis.eval(CLAIM, 1, this.keys.claim(site, commentId), moderator, String(this.ttlMs))) as [number, string, number];
    return { ok: ok === 1, claimedBy, expiresAt: new Date(this.now().getTime() + Math.max(0, ttl)).toISOString() };
  }

  /** Releases `moderator`'s claim; `held-by-other` if someone else has it (left untouched). */
  async release(site: string, commentId: string, moderator: string): Promise<'released' | 'not-held' | 'held-by-other'> {
    const r = (await this.redis.eval(RELEASE, 1, this.keys.claim(site, commentId), moderator)) as number;
    return r === 1 ? 'released' : r === 0 ? 'not-held' : 'held-by-other';
  }

  /** Current holder per comment id (absent when unclaimed). */
  async holders(site: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const values = await this.redis.mget(...ids.map((id) => this.keys.claim(site, id)));
    const out = new Map<string, string>();
    ids.forEach((id, i) => {
      if (values[i]) out.set(id, values[i]!);
    });
    return out;
  }
}
