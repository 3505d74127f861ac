/**
 * Short-lived, single-use tickets that open a moderator's live-update stream. Browsers' EventSource
 * cannot send an Authorization header, so the page trades its bearer token for a ticket (POST) and
 * puts only the ticket in the stream's URL. Kept in Redis by hash, so any API process can redeem it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

export class StreamTickets {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlMs: number,
  ) {}

  /** A new ticket for `moderator` on `site`, valid once within the TTL. */
  async issue(site: string, moderator: string): Promise<{ ticket: string; expiresInMs: number }> {
    const ticket = randomBytes(24).toString('base64url');
    await this.redis.set(this.key(site, ticket), moderator, 'PX', this.ttlMs);
    return { ticket, expiresInMs: this.ttlMs };
  }

  /** The moderator the ticket was issued to on this site, or null; a ticket works only once. */
  async redeem(site: string, ticket: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(ticket)) return null;
    return this.redis.getdel(this.key(site, ticket));
  }

  private key(site: string, ticket: string): string {
    return `${this.keys.events(site)}:ticket:${hash(ticket)}`;
  }
}
