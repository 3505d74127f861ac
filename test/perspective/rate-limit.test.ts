/**
 * The quota holds across workers: several independent stacks (each with its own Redis connection,
 * limiter, Perspective client and fallback classifier, as separate worker processes would have)
 * hammer one key, and the fake Perspective never sees more than the configured rate.
 */
import type Redis from 'ioredis';
import { CircuitBreaker } from '../../src/infra/perspective/circuit-breaker';
import { FallbackClassifier } from '../../src/infra/perspective/fallback-classifier';
import { PerspectiveClassifier } from '../../src/infra/perspective/perspective-classifier';
import { RedisTokenBucket, apiKeyId, bucketKey, type QuotaLimiter } from '../../src/infra/perspective/rate-limiter';
import { FakePerspective } from './support/fake-perspective';
import { TinyLocal, captureLogger, connect, deleteKeys, maxInWindow, uniquePrefix } from './support/helpers';

const KEY = 'AIzaFAKE-rate-limit-key';
const prefix = uniquePrefix('ratelimit');
const connections: Redis[] = [];
let fake: FakePerspective;

beforeAll(async () => {
  fake = await FakePerspective.start();
});
afterAll(async () => {
  await fake.close();
  const admin = connect();
  await deleteKeys(admin, prefix);
  await Promise.all([admin, ...connections].map((c) => c.quit()));
});

/** Redis-clock times of every token granted, across all workers. */
const grants: number[] = [];

/** Records grants; otherwise the real bucket. */
const recording = (inner: QuotaLimiter): QuotaLimiter => ({
  acquire: async (maxWaitMs) => {
    const r = await inner.acquire(maxWaitMs);
    if (r.granted) grants.push(r.at);
    return r;
  },
  penalize: (ms) => inner.penalize(ms),
});

function worker(rps: number, burst: number) {
  const redis = connect();
  connections.push(redis);
  return new FallbackClassifier({
    mode: 'perspective',
    perspective: new PerspectiveClassifier({ apiKey: KEY, endpoint: fake.endpoint, timeoutMs: 800, maxTextBytes: 20_480 }),
    local: new TinyLocal(),
    limiter: recording(new RedisTokenBucket({ redis, prefix, keyId: apiKeyId(KEY), requestsPerSecond: rps, burst })),
    breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 30_000 }),
    maxWaitMs: 1_000,
    backoffInitialMs: 1_000,
    backoffMaxMs: 60_000,
    uncertainBand: { low: 0.3, high: 0.7 },
    logger: captureLogger().logger,
  });
}

describe('Perspective rate limit across workers', () => {
  it('holds 5 requests/s (burst 1) with 4 workers × 3 concurrent jobs hammering one key for 4 s', async () => {
    const RPS = 5;
    const BURST = 1;
    const SECONDS = 4;
    const workers = Array.from({ length: 4 }, () => worker(RPS, BURST));
    // Warm up each worker's HTTP path (first-request set-up costs ~100 ms here, which would skew
    // arrival times), then let the bucket refill and count from a clean slate.
    for (const w of workers) await w.classify({ text: 'warm-up' });
    await new Promise((r) => setTimeout(r, 1_000));
    fake.requests.length = 0;
    grants.length = 0;
    const until = Date.now() + SECONDS * 1000;
    const decided: Record<string, number> = {};
    let n = 0;
    const loop = async (w: FallbackClassifier) => {
      while (Date.now() < until) {
        const { provider } = await w.classify({ text: `comment ${n++}` });
        decided[provider] = (decided[provider] ?? 0) + 1;
      }
    };
    const started = Date.now();
    await Promise.all(workers.flatMap((w) => [loop(w), loop(w), loop(w)]));
    const elapsed = (Date.now() - started) / 1000;

    const times = fake.requests.map((r) => r.at);
    const peak = maxInWindow(times, 1000);
    const grantPeak = maxInWindow(grants, 1000);
    const observed = times.length / elapsed;
    console.log(
      `rate limit: ${times.length} requests in ${elapsed.toFixed(2)} s (${observed.toFixed(2)}/s) at ${RPS}/s configured; ` +
        `busiest 1-s window ${peak} at the server, ${grantPeak} by Redis grant time; decisions ${JSON.stringify(decided)}`,
    );
    // Exact property of the bucket (Redis clock), and what the server saw (includes client-side jitter).
    expect(grantPeak).toBeLessThanOrEqual(RPS + BURST);
    expect(peak).toBeLessThanOrEqual(RPS + BURST);
    expect(grants).toHaveLength(times.length);
    // Not starved either: close to the allowed rate over the run.
    expect(times.length).toBeGreaterThanOrEqual(Math.floor(RPS * SECONDS * 0.8));
    expect(times.length).toBeLessThanOrEqual(Math.ceil(RPS * elapsed) + BURST);
    // Everything else was decided locally, marked, and nothing was lost.
    expect(decided.perspective).toBe(times.length);
    expect(Object.keys(decided).filter((p) => p !== 'perspective')).toEqual(['local (perspective unavailable: quota: no token in time)']);
  });

  it('keys the bucket by a hash of the API key under the configured prefix, with an expiry', async () => {
    const redis = connect();
    connections.push(redis);
    const limiter = new RedisTokenBucket({ redis, prefix, keyId: apiKeyId(KEY), requestsPerSecond: 1, burst: 1 });
    await limiter.acquire(0);
    expect(limiter.key).toMatch(new RegExp(`^${prefix.replace(/[{}]/g, '\\$&')}:perspective:bucket:[0-9a-f]{16}$`));
    expect(limiter.key).toBe(bucketKey(prefix, apiKeyId(KEY)));
    expect(limiter.key).not.toContain(KEY);
    expect(await redis.pttl(limiter.key)).toBeGreaterThan(0);
  });

  it('makes a second worker wait out a 429 pause another worker recorded', async () => {
    // Judged by Redis's clock, not by how fast this machine runs: a long pause is certainly still on
    // when the other worker asks at once, and a short one is waited out to the millisecond.
    const [a, b] = [connect(), connect()];
    connections.push(a, b);
    const pair = (keyId: string) => [a, b].map((redis) => new RedisTokenBucket({ redis, prefix, keyId, requestsPerSecond: 100, burst: 1 }));
    const redisNow = async () => {
      const [s, us] = await a.time();
      return Number(s) * 1000 + Number(us) / 1000;
    };

    const [longA, longB] = pair('pause-long');
    await longA.penalize(60_000);
    expect(await longB.acquire(0)).toMatchObject({ granted: false });

    const [shortA, shortB] = pair('pause-short');
    const before = await redisNow();
    await shortA.penalize(400);
    const after = await shortB.acquire(30_000);
    expect(after.granted).toBe(true);
    expect(after.at).toBeGreaterThanOrEqual(Math.floor(before) + 400);
  });
});
