/** Callbacks that exhausted their retries, kept per site until re-driven (written by the outbox scripts). */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';
import type { DeliveredEvent } from './outbox';

export interface DeadLetter {
  /** The event id. */
  id: string;
  site: string;
  /** The outbox subject (`c:COMMENT`, `u:AUTHOR`); absent on entries from before the outbox. */
  subject?: string;
  /** The event as it was sent (with `eventId` and `sequence`). */
  payload: DeliveredEvent;
  error: string;
  attempts: number;
  failedAt: string;
}

export class DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async list(site: string): Promise<DeadLetter[]> {
    const all = await this.redis.hvals(this.keys.deadLetters(site));
    return all.map((s) => JSON.parse(s) as DeadLetter).sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  }

  async count(site: string): Promise<number> {
    return this.redis.hlen(this.keys.deadLetters(site));
  }

  async remove(site: string, id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.deadLetters(site), id)) === 1;
  }
}
