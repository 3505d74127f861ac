/** The workers' adapter cache against the real Redis: version checks, new versions, Redis away. */
import Redis from 'ioredis';
import { AdapterCache, AdapterStore } from '../../src/infra/adapter-store';
import { createKeys } from '../../src/infra/keys';
import { deleteKeysByPrefix, waitForReady } from '../../src/infra/redis';
import type { TrainedAdapter } from '../../src/site-learning/train';
import { REDIS_URL } from '../support/service';
import { uniquePrefix } from '../integration/harness';

const prefix = uniquePrefix('adapter-cache');
const keys = createKeys(prefix);
const trained = { generalModelVersion: 'm1', heads: ['toxicity'], buckets: 0, weights: [1, 0], bias: -1, length: { mean: 3, std: 1 }, thresholds: { flag: 0.9, reject: 1.01 }, trainedAt: '2026-01-01T00:00:00Z' } as unknown as TrainedAdapter;
const counts = { labelCount: 10, labelAdditions: 10 };

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  await deleteKeysByPrefix(redis, keys.base);
  redis.disconnect();
});

it('serves the cached adapter within the TTL, a new version after it, and the last known one while Redis is away', async () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  await waitForReady(redis);
  const store = new AdapterStore(redis, keys);
  let now = 0;
  const cache = new AdapterCache(store, 1_000, () => now);
  expect(await cache.get('demo')).toBeNull();

  expect(await store.save('demo', trained, counts)).toBe(1);
  expect(await cache.get('demo')).toBeNull(); // still within the TTL
  now += 1_000;
  expect(await cache.get('demo')).toMatchObject({ site: 'demo', version: 1, generalModelVersion: 'm1', weights: [1, 0] });

  await store.save('demo', { ...trained, bias: -2 }, counts);
  now += 1_000;
  expect(await cache.get('demo')).toMatchObject({ version: 2, bias: -2 });

  redis.disconnect();
  now += 1_000;
  expect(await cache.get('demo')).toMatchObject({ version: 2 });
  await expect(cache.get('other')).rejects.toThrow();
});
