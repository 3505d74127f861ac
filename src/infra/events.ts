/**
 * Live updates: each event is appended to the site's capped Redis stream (`keys.eventLog`) and
 * published on its pub/sub channel in one script, carrying the stream entry id as `eventId`; the
 * events of one call (a moderation group's decisions) share one channel message, one a line. Every
 * API process pushes the channel to moderators' pages; a page that reconnects names the last id it
 * saw and gets what it missed from the stream (`eventsSince`).
 */
import { script, type RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export type SiteEvent = Record<string, unknown> & { type: string };

/** Entries kept per site for replay (approximate trim). */
export const EVENT_LOG_LENGTH = 5000;

// KEYS: stream, channel. ARGV: maxlen, then one JSON object per event. The id is spliced in as the first field.
// One PUBLISH for all of them: the events' JSON texts, one a line (JSON text has no raw line breaks).
const PUBLISH = `
local ids, messages = {}, {}
for i = 2, #ARGV do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
  messages[i - 1] = '{"eventId":"' .. id .. '",' .. string.sub(ARGV[i], 2)
  ids[i - 1] = id
end
redis.call('PUBLISH', KEYS[2], table.concat(messages, '\\n'))
return ids
`;

/** The events of one channel message, in order (a message carries one or several, one a line). */
export const eventsOfMessage = (message: string): string[] => message.split('\n');

/** Publishes one event, or several (a moderation group's decisions) in one script call, in order. */
export function createPublisher(redis: Redis, keys: Keys) {
  const publish = script<string[]>(redis, 'cmPublishEventsV2', 2, PUBLISH);
  return async (site: string, events: SiteEvent | Record<string, unknown> | Array<SiteEvent | Record<string, unknown>>): Promise<void> => {
    const at = new Date().toISOString();
    const jsons = (Array.isArray(events) ? events : [events]).map((event) => JSON.stringify({ ...event, site, at }));
    if (jsons.length) await publish(keys.eventLog(site), keys.events(site), String(EVENT_LOG_LENGTH), ...jsons);
  };
}

/** A replayed event: its stream id and its JSON (with `eventId`, as it was published). */
export interface LoggedEvent {
  id: string;
  json: string;
}

/**
 * Events after `lastId`, oldest first (at most `limit`); `gap` is true when entries after
 * `lastId` were already trimmed away (the reader should reload instead of trusting the replay).
 */
export async function eventsSince(redis: Redis, keys: Keys, site: string, lastId: string, limit = 1000): Promise<{ events: LoggedEvent[]; gap: boolean }> {
  const key = keys.eventLog(site);
  const [entries, first] = await Promise.all([
    redis.xrange(key, `(${lastId}`, '+', 'COUNT', limit),
    redis.xrange(key, '-', '+', 'COUNT', 1),
  ]);
  const oldest = first[0]?.[0];
  const gap = oldest !== undefined && compareEventIds(oldest, lastId) > 0 && entries.length > 0 && entries[0][0] === oldest;
  const events = entries.map(([id, fields]) => ({ id, json: `{"eventId":"${id}",${fields[1].slice(1)}` }));
  return { events, gap: gap || entries.length === limit };
}

/** Id of the newest logged event of the site, or `0-0`. */
export async function latestEventId(redis: Redis, keys: Keys, site: string): Promise<string> {
  const [newest] = await redis.xrevrange(keys.eventLog(site), '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/** Orders stream ids (`<ms>-<seq>`); malformed ids sort first. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return (am || 0) - (bm || 0) || (as || 0) - (bs || 0);
}

/** A stream id as a client may send it (Last-Event-ID). */
export const EVENT_ID = /^\d{1,15}-\d{1,10}$/;
