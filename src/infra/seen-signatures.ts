/**
 * Signed requests already accepted, remembered for as long as their signature would verify, so an
 * identical request sent again (a replay) is refused. One `SET NX PX` per request.
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export class SeenSignatures {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** How long a signature stays valid: twice the timestamp tolerance (it may be early or late), plus a second. */
    private readonly rememberMs: number,
  ) {}

  /** Records `replayId` for `site`; false when it was seen within the window (a replay). */
  async first(site: string, replayId: string): Promise<boolean> {
    return (await this.redis.set(this.keys.seenSignature(site, replayId), '1', 'PX', this.rememberMs, 'NX')) === 'OK';
  }

  /** Forgets a request the service failed to handle (5xx), so the sender may retry it unchanged. */
  async forget(site: string, replayId: string): Promise<void> {
    await this.redis.del(this.keys.seenSignature(site, replayId));
  }
}
