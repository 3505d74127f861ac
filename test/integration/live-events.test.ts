/**
 * Live updates on the real Redis: the events of one publish call (a moderation group's decisions)
 * travel in one channel message and one stream entry, and reach each listener one by one, in order, each
 * with an id of its own (what a page that reconnects replays from, even from inside an entry).
 */
import Redis from 'ioredis';
import { compareEventIds, createPublisher, EVENT_ID, eventsSince, latestEventId } from '../../src/infra/events';
import { createKeys } from '../../src/infra/keys';
import { SiteEventHub } from '../../src/infra/site-event-hub';
import { deleteKeys, REDIS_URL, uniquePrefix } from './harness';

const prefix = uniquePrefix('live');
const keys = createKeys(prefix);
let redis: Redis;
let hub: SiteEventHub;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  hub = new SiteEventHub(redis, keys);
});
afterAll(async () => {
  await hub.close();
  redis.disconnect();
  await deleteKeys(prefix);
});

it('delivers the events of one publish call to a listener one by one, in order, each with its stream id', async () => {
  const received: string[] = [];
  const all = new Promise<void>((resolve) => {
    void hub.subscribe('demo', (json) => {
      received.push(json);
      if (received.length === 4) resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 50)); // the subscription is made
  const publish = createPublisher(redis, keys);
  const monitor = redis.duplicate();
  const channelMessages: string[] = [];
  await monitor.subscribe(keys.events('demo'));
  monitor.on('message', (_ch, m: string) => channelMessages.push(m));
  await publish('demo', [{ type: 'decided', id: 'c-1', status: 'approved' }, { type: 'decided', id: 'c-2', status: 'flagged', note: 'two\nlines' }, { type: 'decided', id: 'c-3', status: 'rejected' }]);
  await publish('demo', { type: 'reported', id: 'c-1' });
  await all;
  const events = received.map((j) => JSON.parse(j) as { eventId: string; id: string; type: string; note?: string });
  expect(events.map((e) => `${e.type}:${e.id}`)).toEqual(['decided:c-1', 'decided:c-2', 'decided:c-3', 'reported:c-1']);
  expect(events[1].note).toBe('two\nlines');
  const logged = await eventsSince(redis, keys, 'demo', '0-0');
  expect(events.map((e) => e.eventId)).toEqual(logged.events.map((e) => e.id));
  expect(received).toEqual(logged.events.map((e) => e.json));
  await new Promise((r) => setTimeout(r, 50));
  expect(channelMessages).toHaveLength(2); // one message per call
  expect(await redis.xlen(keys.eventLog('demo'))).toBe(2); // and one stream entry
  monitor.disconnect();
});

it('replays from any event id: inside a group, at its end, or at the newest entry', async () => {
  const publish = createPublisher(redis, keys);
  const start = await latestEventId(redis, keys, 'replay');
  await publish('replay', [{ type: 'decided', id: 'r-1' }, { type: 'decided', id: 'r-2' }, { type: 'decided', id: 'r-3' }]);
  await publish('replay', { type: 'reported', id: 'r-4' });
  const all = (await eventsSince(redis, keys, 'replay', start)).events;
  expect(all.map((e) => JSON.parse(e.json).id)).toEqual(['r-1', 'r-2', 'r-3', 'r-4']);
  const ids = all.map((e) => e.id);
  expect(ids.every((id) => EVENT_ID.test(id))).toBe(true);
  expect(ids[0]).toMatch(/^\d+-\d+-0$/); // a group's events are numbered within its entry
  expect(ids[3]).toMatch(/^\d+-\d+$/); // a lone event has its entry's id
  expect([...ids].sort(compareEventIds)).toEqual(ids);
  const after = async (id: string) => (await eventsSince(redis, keys, 'replay', id)).events.map((e) => JSON.parse(e.json).id);
  expect(await after(ids[0])).toEqual(['r-2', 'r-3', 'r-4']);
  expect(await after(ids[2])).toEqual(['r-4']);
  // An entry's own id (what `ready` reports) stands for all its events.
  expect(await after(ids[0].replace(/-0$/, ''))).toEqual(['r-4']);
  expect(await after(await latestEventId(redis, keys, 'replay'))).toEqual([]);
});
