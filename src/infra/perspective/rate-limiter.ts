/**
 * A token bucket in Redis shared by every worker that uses the same Perspective key, so the
 * key's quota (1 request/s by default) holds across processes. One Lua script per operation keeps
 * read-modify-write atomic, and Redis's own clock (TIME) is the only clock, so workers on hosts
 * with skewed clocks still agree. A 429 blocks the bucket for everyone (`penalize`).
 */
import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '../redis';

/** Stable, non-reversible id of an API key: the first 16 hex digits of its SHA-256. */
export const apiKeyId = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

/** The Redis key of a bucket, e.g. `cm:perspective:bucket:3f2a…` (one key per bucket: any cluster slot). */
export const bucketKey = (prefix: string, keyId: string): string => `${prefix}:perspective:bucket:${keyId}`;

// Shared by both scripts: Redis time in ms and the bucket's fields.
const PREAMBLE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'until')
local tokens = tonumber(h[1]) or burst
local ts = tonumber(h[2]) or now
local blocked = tonumber(h[3]) or 0
`;

/** Takes a token if one is there; else returns how long until one should be. → {granted, waitMs, now} */
const TAKE = `${PREAMBLE}
if now < blocked then return {0, math.ceil(blocked - now), math.floor(now)} end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local granted = 0
local wait = 0
if tokens >= 1 then tokens = tokens - 1; granted = 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {granted, wait, math.floor(now)}
`;

/** Empties the bucket and blocks it for ARGV[3] ms (a longer block already in place wins). → ms blocked */
const PENALIZE = `${PREAMBLE}
local untilMs = now + tonumber(ARGV[3])
if untilMs > blocked then
  blocked = untilMs
  redis.call('HSET', KEYS[1], 'tokens', '0', 'ts', tostring(blocked), 'until', tostring(blocked))
end
redis.call('PEXPIRE', KEYS[1], math.ceil(blocked - now + burst * 1000 / rate) + 1000)
return math.ceil(blocked - now)
`;

export interface AcquireResult {
  granted: boolean;
  /** Milliseconds spent waiting, granted or not. */
  waitedMs: number;
  /** When the token was taken (or the last try made), by Redis's clock, in ms since the epoch. */
  at: number;
}

/** What the fallback classifier needs from a limiter (tests may supply their own). */
export interface QuotaLimiter {
  /** Waits at most `maxWaitMs` for a token; gives up at once when none can come in time. */
  acquire(maxWaitMs: number): Promise<AcquireResult>;
  /** Stops every worker using this key for `ms` (after a 429). */
  penalize(ms: number): Promise<void>;
}

export interface RedisTokenBucketOptions {
  redis: Redis;
  /** Key prefix, `config.redis.prefix`. */
  prefix: string;
  /** `apiKeyId(apiKey)`: the limiter never holds the key itself. */
  keyId: string;
  requestsPerSecond: number;
  burst: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The shared token bucket for one Perspective key. */
export class RedisTokenBucket implements QuotaLimiter {
  readonly key: string;

  constructor(private readonly options: RedisTokenBucketOptions) {
    this.key = bucketKey(options.prefix, options.keyId);
  }

  async acquire(maxWaitMs: number): Promise<AcquireResult> {
    const started = performance.now();
    for (;;) {
      const [granted, waitMs, at] = (await this.run(TAKE)) as [number, number, number];
      const waitedMs = Math.round(performance.now() - started);
      if (granted === 1) return { granted: true, waitedMs, at };
      if (waitedMs + waitMs > maxWaitMs) return { granted: false, waitedMs, at };
      // A little jitter so workers woken for the same token do not all arrive at once.
      await sleep(waitMs + Math.random() * 10);
    }
  }

  async penalize(ms: number): Promise<void> {
    await this.run(PENALIZE, Math.ceil(ms));
  }

  private run(script: string, ...extra: number[]): Promise<unknown> {
    const { redis, requestsPerSecond, burst } = this.options;
    return redis.eval(script, 1, this.key, requestsPerSecond, burst, ...extra);
  }
}
