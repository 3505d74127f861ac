/** Live updates over Redis pub/sub, so every API process can push them to moderators' pages. */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export type SiteEvent = Record<string, unknown> & { type: string };

export function createPublisher(redis: Redis, keys: Keys) {
  return async (site: string, event: SiteEvent | Record<string, unknown>): Promise<void> => {
    await redis.publish(keys.events(site), JSON.stringify({ ...event, site, at: new Date().toISOString() }));
  };
}
