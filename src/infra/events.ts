/**
 * Live updates: the events of one publish call (a moderation group's decisions) are appended to the site's
 * capped Redis stream as one entry, one event a line, and published on its pub/sub channel in the same script,
 * one channel message for all of them. Each event carries an `eventId`: the entry's id (`<ms>-<seq>`) when it
 * is the entry's only event, else the entry's id and the event's position (`<ms>-<seq>-<k>`). Every API process
 * pushes the channel to moderators' pages; a page that reconnects names the last id it saw and gets what it
 * missed from the stream (`eventsSince`).
 */
import { script, type RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export type SiteEvent = Record<string, unknown> & { type: string };

/** Entries kept per site for replay (approximate trim). */
export const EVENT_LOG_LENGTH = 5000;

// KEYS: stream, channel. ARGV: maxlen, then one JSON object per event. One XADD for all of them (their JSON
// texts, one a line: JSON text has no raw line breaks), then one PUBLISH with each event's id spliced in first.
const PUBLISH = `
local events = {}
for i = 2, #ARGV do events[i - 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', table.concat(events, '\\n'))
local messages = {}
for k, e in ipairs(events) do
  local eventId = id
  if #events > 1 then eventId = id .. '-' .. (k - 1) end
  messages[k] = '{"eventId":"' .. eventId .. '",' .. string.sub(e, 2)
end
redis.call('PUBLISH', KEYS[2], table.concat(messages, '\\n'))
return id
`;

/** The events of one channel message, in order (a message carries one or several, one a line). */
export const eventsOfMessage = (message: string): string[] => message.split('\n');

/** Publishes one event, or several (a moderation group's decisions) in one script call, in order. */
export function createPublisher(redis: Redis, keys: Keys) {
  const publish = script<string>(redis, 'cmPublishEventsV3', 2, PUBLISH);
  return async (site: string, events: SiteEvent | Record<string, unknown> | Array<SiteEvent | Record<string, unknown>>): Promise<void> => {
    const at = new Date().toISOString();
    const jsons = (Array.isArray(events) ? events : [events]).map((event) => JSON.stringify({ ...event, site, at }));
    if (jsons.length) await publish(keys.eventLog(site), keys.events(site), String(EVENT_LOG_LENGTH), ...jsons);
  };
}

/** A replayed event: its id and its JSON (with `eventId`, as it was published). */
export interface LoggedEvent {
  id: string;
  json: string;
}

/** The events of one stream entry, with their ids (see the module comment). */
function entryEvents(entryId: string, field: string): LoggedEvent[] {
  const texts = field.split('\n');
  return texts.map((text, k) => {
    const id = texts.length > 1 ? `${entryId}-${k}` : entryId;
    return { id, json: `{"eventId":"${id}",${text.slice(1)}` };
  });
}

/** The stream entry an event id belongs to (`<ms>-<seq>`). */
const entryOf = (eventId: string): string => eventId.split('-').slice(0, 2).join('-');

/**
 * Events after `lastId`, oldest first (from at most `limit` entries); `gap` is true when entries after
 * `lastId` were already trimmed away (the reader should reload instead of trusting the replay).
 */
export async function eventsSince(redis: Redis, keys: Keys, site: string, lastId: string, limit = 1000): Promise<{ events: LoggedEvent[]; gap: boolean }> {
  const key = keys.eventLog(site);
  const lastEntry = entryOf(lastId);
  // An id inside a multi-event entry: that entry's later events are still to come, so it is read again.
  const partial = lastId !== lastEntry;
  const [entries, first] = await Promise.all([
    redis.xrange(key, partial ? lastEntry : `(${lastEntry}`, '+', 'COUNT', limit),
    redis.xrange(key, '-', '+', 'COUNT', 1),
  ]);
  const oldest = first[0]?.[0];
  const gap = oldest !== undefined && compareEventIds(oldest, lastEntry) > 0 && entries.length > 0 && entries[0][0] === oldest;
  const events = entries.flatMap(([id, fields]) => entryEvents(id, fields[1])).filter((e) => compareEventIds(e.id, lastId) > 0);
  return { events, gap: gap || entries.length === limit };
}

/** Id of the newest logged entry of the site (all its events), or `0-0`. */
export async function latestEventId(redis: Redis, keys: Keys, site: string): Promise<string> {
  const [newest] = await redis.xrevrange(keys.eventLog(site), '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/**
 * Orders event ids (`<ms>-<seq>` or `<ms>-<seq>-<k>`); an entry's own id (no `k`) stands for all its events,
 * so it sorts after each of them. Malformed ids sort first.
 */
export function compareEventIds(a: string, b: string): number {
  const [am, as, ak] = a.split('-').map(Number);
  const [bm, bs, bk] = b.split('-').map(Number);
  const ka = ak === undefined || Number.isNaN(ak) ? Infinity : ak;
  const kb = bk === undefined || Number.isNaN(bk) ? Infinity : bk;
  return (am || 0) - (bm || 0) || (as || 0) - (bs || 0) || (ka === kb ? 0 : ka < kb ? -1 : 1);
}

/** An event id as a client may send it (Last-Event-ID). */
export const EVENT_ID = /^\d{1,15}-\d{1,10}(?:-\d{1,6})?$/;
