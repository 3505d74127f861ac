/**
 * Fans the sites' live-update channels (`keys.events(site)`, see infra/events.ts) out to the open
 * server-sent-event streams of this process: one Redis subscriber connection for the whole process,
 * subscribed to a site's channel only while someone on that site listens.
 */
import { duplicateRedis, type RedisClient as Redis } from './redis';
import { eventsOfMessage } from './events';
import type { Keys } from './keys';

/** Receives each event of the site as the JSON text it was published as. */
export type EventListener = (json: string) => void;

export class SiteEventHub {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<EventListener>>();
  private closed = false;

  constructor(
    private readonly source: Redis,
    private readonly keys: Keys,
  ) {}

  /** Listens to `site`'s events until the returned function is called. */
  async subscribe(site: string, listener: EventListener): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('event hub is closed');
    const channel = this.keys.events(site);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.connection().subscribe(channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  /** Number of open listeners on a site (for tests and metrics). */
  listenerCount(site: string): number {
    return this.listeners.get(this.keys.events(site))?.size ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // A subscriber waits out Redis restarts (ioredis re-subscribes on reconnect) instead of failing fast.
      const sub = duplicateRedis(this.source, { enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'api-events' });
      sub.on('error', () => undefined);
      sub.on('message', (channel: string, message: string) => {
        const listeners = this.listeners.get(channel);
        if (listeners) for (const json of eventsOfMessage(message)) for (const listener of listeners) listener(json);
      });
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}
