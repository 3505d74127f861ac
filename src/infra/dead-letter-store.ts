/** Callbacks that exhausted their retries, kept per site until re-driven. */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';
import type { CallbackJobData } from './queues';

export interface DeadLetter {
  id: string;
  site: string;
  payload: CallbackJobData['payload'];
  error: string;
  attempts: number;
  failedAt: string;
}

export class DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async add(entry: DeadLetter): Promise<void> {
    await this.redis.hset(this.keys.deadLetters(entry.site), entry.id, JSON.stringify(entry));
  }

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
